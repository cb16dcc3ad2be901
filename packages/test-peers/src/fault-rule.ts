import { TestPeerError } from "./test-peer-error.js";

/** Answer the request with this status without forwarding it. */
export interface StatusFault {
  type: "status";
  /** The HTTP status to answer with. */
  status: number;
  /** The response body. @default "" */
  body?: string;
  /** Extra response headers (`Retry-After`, `Content-Type`…). @default {} */
  headers?: Record<string, string>;
}

/** Answer with an S3 XML error body, as S3 and radosgw do when throttling or failing. */
export interface S3ErrorFault {
  type: "s3-error";
  /** 503 for `SlowDown`/`ServiceUnavailable`, 500 for `InternalError`. */
  status: 503 | 500;
  /** The S3 error code put in the body. */
  code: "SlowDown" | "InternalError" | "ServiceUnavailable";
}

/** Forward the first `afterBytes` bytes of the request body, then destroy both connections. */
export interface DropRequestFault {
  type: "drop-request";
  /** How many request-body bytes reach the target before the connections are destroyed. */
  afterBytes: number;
}

/**
 * Forward the request, then pass the response status, headers and at most `afterBytes` bytes of
 * its body before destroying the client connection. The client never receives a complete
 * response: when the body is not longer than `afterBytes` its last byte is held back, and an
 * empty body is dropped before the status line.
 */
export interface DropResponseFault {
  type: "drop-response";
  /** How many response-body bytes reach the client at most. */
  afterBytes: number;
}

/** Wait `ms` milliseconds, then forward the request normally. */
export interface DelayFault {
  type: "delay";
  /** The delay in milliseconds. */
  ms: number;
}

/** What the proxy does to a request a rule selected. */
export type FaultAction =
  | StatusFault
  | S3ErrorFault
  | DropRequestFault
  | DropResponseFault
  | DelayFault;

/** Which requests a rule applies to; every given field must match. */
export interface FaultMatch {
  /** The HTTP method, compared case-insensitively (`PUT`). @default any */
  method?: string;
  /** Tested against the request path as sent, without the query (`/bucket/key`). @default any */
  path?: RegExp;
  /** Tested against the raw query string, without `?` (`partNumber=2&uploadId=…`). @default any */
  query?: RegExp;
}

/** A fault to inject into the next matching requests. */
export interface FaultRule {
  /** Which requests the rule applies to. @default every request */
  match?: FaultMatch;
  /** On how many matching requests the action is applied; then the rule is spent. */
  times: number;
  /** How many matching requests pass untouched before the action starts. @default 0 */
  skip?: number;
  /** What to do to them. */
  action: FaultAction;
}

/** The state of one added rule. */
export interface FaultRuleHandle {
  /** How many requests the action was applied to so far. */
  readonly applied: number;
  /** How many matching requests were let through because of `skip`. */
  readonly skipped: number;
  /** True once the action was applied `times` times (or the rule was removed). */
  readonly spent: boolean;
  /** Removes the rule; requests from then on are not affected by it. */
  remove(): void;
}

/** The rules of one proxy, consulted in the order they were added. */
export interface FaultRules {
  /** Adds a rule; it applies after the rules added before it. */
  add(rule: FaultRule): FaultRuleHandle;
  /** Removes every rule. */
  clear(): void;
  /** How many rules are not spent yet. */
  readonly pending: number;
}

/** What a request looks like to a rule. */
export interface FaultRequest {
  method: string;
  path: string;
  query: string;
}

interface RuleState {
  rule: FaultRule;
  skipped: number;
  applied: number;
  removed: boolean;
}

/**
 * Creates an empty rule list. `take` finds the first live rule that matches a request, counts the
 * request against it and returns the action to apply, if any (a skipped request returns none).
 */
export function createFaultRules(): FaultRules & {
  take(request: FaultRequest): FaultAction | undefined;
} {
  let states: RuleState[] = [];
  const isLive = (state: RuleState) => !state.removed && state.applied < state.rule.times;
  return {
    add(rule) {
      validateRule(rule);
      const state: RuleState = { rule, skipped: 0, applied: 0, removed: false };
      states.push(state);
      return {
        get applied() {
          return state.applied;
        },
        get skipped() {
          return state.skipped;
        },
        get spent() {
          return !isLive(state);
        },
        remove() {
          state.removed = true;
          states = states.filter((candidate) => candidate !== state);
        },
      };
    },
    clear() {
      for (const state of states) {
        state.removed = true;
      }
      states = [];
    },
    get pending() {
      return states.filter(isLive).length;
    },
    take(request) {
      for (const state of states) {
        if (!isLive(state) || !matches(state.rule.match, request)) {
          continue;
        }
        if (state.skipped < (state.rule.skip ?? 0)) {
          state.skipped += 1;
          return undefined;
        }
        state.applied += 1;
        return state.rule.action;
      }
      return undefined;
    },
  };
}

function matches(match: FaultMatch | undefined, request: FaultRequest): boolean {
  if (match === undefined) {
    return true;
  }
  if (match.method !== undefined && match.method.toUpperCase() !== request.method.toUpperCase()) {
    return false;
  }
  return testPattern(match.path, request.path) && testPattern(match.query, request.query);
}

/** A `g` or `y` RegExp remembers where it stopped; start from the beginning every time. */
function testPattern(pattern: RegExp | undefined, value: string): boolean {
  if (pattern === undefined) {
    return true;
  }
  pattern.lastIndex = 0;
  return pattern.test(value);
}

function validateRule(rule: FaultRule): void {
  const problems: string[] = [];
  if (!Number.isInteger(rule.times) || rule.times < 1) {
    problems.push(`times must be a positive integer, not ${rule.times}`);
  }
  if (rule.skip !== undefined && (!Number.isInteger(rule.skip) || rule.skip < 0)) {
    problems.push(`skip must be an integer ≥ 0, not ${rule.skip}`);
  }
  const action = rule.action;
  if (
    (action.type === "drop-request" || action.type === "drop-response") &&
    (!Number.isInteger(action.afterBytes) || action.afterBytes < 0)
  ) {
    problems.push(`afterBytes must be an integer ≥ 0, not ${action.afterBytes}`);
  }
  if (action.type === "delay" && (!Number.isFinite(action.ms) || action.ms < 0)) {
    problems.push(`ms must be a number ≥ 0, not ${action.ms}`);
  }
  if (action.type === "status" && (!Number.isInteger(action.status) || action.status < 200)) {
    problems.push(`status must be an HTTP status ≥ 200, not ${action.status}`);
  }
  if (problems.length > 0) {
    throw new TestPeerError("E_PEER_CONFIG", `Invalid fault rule: ${problems.join("; ")}`);
  }
}
