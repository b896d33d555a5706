import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { limitConnections } from './connectionLimits.js';

/** A connection from `address` arriving at `server`: whether the cap closed it. */
function arrive(server: EventEmitter, address: string): { destroyed: () => boolean; close: () => void } {
  const socket = Object.assign(new EventEmitter(), {
    remoteAddress: address,
    destroyed: false,
    destroy() {
      this.destroyed = true;
    },
  });
  server.emit('connection', socket);
  return { destroyed: () => socket.destroyed, close: () => socket.emit('close') };
}

describe('the connections a client may hold', () => {
  it('counts an IPv4 address alone, an IPv6 one by its /64, and not the trusted proxies', () => {
    const server = new EventEmitter();
    const refused: string[] = [];
    limitConnections(server as unknown as Server, {
      perAddress: 2,
      exempt: new Set(['10.0.0.9']),
      onRefused: (address) => refused.push(address),
    });
    const v4 = ['192.0.2.1', '::ffff:192.0.2.1', '192.0.2.1'].map((ip) => arrive(server, ip));
    expect(v4.map((c) => c.destroyed())).toEqual([false, false, true]);
    expect(arrive(server, '192.0.2.2').destroyed()).toBe(false);
    // One host with a /64 of its own opens each connection from another address of it: one client all the same.
    const v6 = ['2001:db8:1:2::a', '2001:db8:1:2::b', '2001:db8:1:2:ffff::c'].map((ip) => arrive(server, ip));
    expect(v6.map((c) => c.destroyed())).toEqual([false, false, true]);
    expect(arrive(server, '2001:db8:1:3::a').destroyed()).toBe(false);
    // The proxy every client comes through: not limited.
    expect([1, 2, 3].map(() => arrive(server, '10.0.0.9').destroyed())).toEqual([false, false, false]);
    // One closed makes room again.
    v6[0]?.close();
    expect(arrive(server, '2001:db8:1:2::d').destroyed()).toBe(false);
    expect(refused).toEqual(['192.0.2.1', '2001:db8:1:2::/64']);
  });
});
