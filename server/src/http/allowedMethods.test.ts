import express from 'express';
import { describe, expect, it } from 'vitest';
import { allowedMethods } from './allowedMethods.js';

describe('allowedMethods', () => {
  const app = express();
  app.get('/a', () => undefined);
  app.post('/a', () => undefined);
  const mounted = express.Router();
  mounted.delete('/items/:id', () => undefined);
  mounted.patch('/items/:id', () => undefined);
  app.use('/mount', mounted);
  const counted = app.router.stack.length;
  app.put('/later', () => undefined);

  it('lists the methods of every route at the path, HEAD with GET, in a fixed order', () => {
    expect(allowedMethods(app.router, counted, '/a')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowedMethods(app.router, counted, '/A/')).toEqual(['GET', 'HEAD', 'POST']);
  });

  it('looks into a mounted router with the path past its mount point', () => {
    expect(allowedMethods(app.router, counted, '/mount/items/7')).toEqual(['PATCH', 'DELETE']);
    expect(allowedMethods(app.router, counted, '/items/7')).toEqual([]);
  });

  it('reads only the layers it is given, and nothing of a router it cannot read', () => {
    expect(allowedMethods(app.router, counted, '/later')).toEqual([]);
    expect(allowedMethods(app.router, app.router.stack.length, '/later')).toEqual(['PUT']);
    expect(allowedMethods({}, 10, '/a')).toEqual([]);
    expect(allowedMethods({ stack: [{ route: { methods: { get: true } } }] }, 10, '/a')).toEqual([]);
  });
});
