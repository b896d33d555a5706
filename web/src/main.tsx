// Before any schema is made: the page's CSP allows no eval, which zod would otherwise probe for.
import '@switchboard/shared/noEval';
// The theme's tokens and the styles every view shares, before any feature's own.
import './theme/theme.css';
import './theme/base.css';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PageBoundary } from './components/PageBoundary';
import { stopPulseEvents } from './components/pulseEvents';
import { writeSizeTokens } from './theme/sizes';
import { Root } from './Root';

stopPulseEvents();
writeSizeTokens(document.documentElement);
const queryClient = new QueryClient();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <PageBoundary>
        <Root />
      </PageBoundary>
    </QueryClientProvider>
  </StrictMode>,
);
