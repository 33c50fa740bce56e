// Preloaded into fauxqs (node --require): fauxqs 2.4.1 hard-codes listen({host: "0.0.0.0"}), and the test
// servers must listen on 127.0.0.1 only. Rewrites a wildcard listen address to loopback; nothing else changes.
'use strict';
const net = require('node:net');
const listen = net.Server.prototype.listen;
const wildcard = new Set(['0.0.0.0', '::', '']);
net.Server.prototype.listen = function (...args) {
  if (args[0] !== null && typeof args[0] === 'object' && wildcard.has(args[0].host ?? '')) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
