// Preloaded into a plugin process under test (NODE_OPTIONS="--import <this file>"): any DNS
// lookup of a name other than localhost, and any connection to an address off loopback, fails at
// once, so that a client library reaching for Google (a token endpoint, the metadata server)
// makes the test fail instead of sending a packet anywhere.
import dns from "node:dns";
import net from "node:net";

const loopbackNames = new Set(["localhost", "127.0.0.1", "::1"]);
const isLoopback = (host) =>
  typeof host !== "string" || loopbackNames.has(host) || host.startsWith("127.");

function refuse(host) {
  const error = new Error(`loopback-only: refused to reach ${host}`);
  error.code = "ENOTFOUND";
  return error;
}

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
  const done = typeof options === "function" ? options : callback;
  if (!isLoopback(hostname)) {
    process.nextTick(() => done(refuse(hostname)));
    return {};
  }
  return lookup.call(this, hostname, options, callback);
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromisesLookup(hostname, options) {
  if (!isLoopback(hostname)) throw refuse(hostname);
  return promisesLookup.call(this, hostname, options);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...parameters) {
  const [first, second] = parameters;
  // net.connect() and net.createConnection() (which HTTP agents use) pass their normalized
  // [options, callback] array as the only parameter, so the options may sit one level down.
  const options = Array.isArray(first) ? first[0] : first;
  const host = typeof options === "object" && options !== null ? options.host : second;
  const path = typeof options === "object" && options !== null ? options.path : undefined;
  if (path === undefined && host !== undefined && !isLoopback(host)) {
    throw refuse(host);
  }
  return connect.apply(this, parameters);
};
