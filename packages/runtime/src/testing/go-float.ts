const goFloatMarker = Symbol.for("spotkit.goFloat");

/**
 * Marks a number as a YAML float (Go `float64`) in settings written as a JavaScript object.
 *
 * A JavaScript number cannot tell `1` from `1.0`, but the runners can: yaml.v2 and go-yaml type
 * `1` as an int (encoded `1`) and `1.0` or `1e6` as a float64 (encoded with
 * `strconv.FormatFloat(v, 'g', -1, 64)`: `1`, `1e+06`). Integral numbers are therefore read as
 * YAML ints and every other number as a float; wrap a value in `GoFloat` to force the float path.
 *
 * @example
 * encodeDroneSettings({ replicas: goFloat(1e6) }); // { PLUGIN_REPLICAS: "1e+06" }
 */
export class GoFloat {
  /** The float64 value. */
  readonly value: number;

  constructor(value: number) {
    this.value = value;
    // A non-enumerable marker, so equality checks and spreads see only `value`.
    Object.defineProperty(this, goFloatMarker, { value: true });
  }

  /** True for any {@link GoFloat}, whichever copy of the runtime made it. */
  static isInstance(value: unknown): value is GoFloat {
    return typeof value === "object" && value !== null && goFloatMarker in value;
  }
}

/** Shorthand for `new GoFloat(value)`: a number the runner's YAML parser typed as a float. */
export function goFloat(value: number): GoFloat {
  return new GoFloat(value);
}

/**
 * Formats a number exactly as Go's `strconv.FormatFloat(value, 'g', -1, 64)` (and `fmt`'s `%v`
 * of a float64) does: the shortest digits that read back as the same float64, in `%e` form when
 * the decimal exponent is below -4 or at least 6 (Go's ftoa.go uses precision 6 for that decision
 * when the precision is "shortest"), otherwise in `%f` form.
 *
 * `42.424242` → `42.424242`, `1e6` → `1e+06`, `123456` → `123456`, `0.00001` → `1e-05`,
 * `NaN` → `NaN`, `Infinity` → `+Inf`, `-0` → `-0`.
 */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) {
    return "NaN";
  }
  if (value === Number.POSITIVE_INFINITY) {
    return "+Inf";
  }
  if (value === Number.NEGATIVE_INFINITY) {
    return "-Inf";
  }
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  if (value === 0) {
    return `${sign}0`;
  }
  const { digits, decimalPoint } = readShortestDigits(Math.abs(value));
  const exponent = decimalPoint - 1;
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const exponentDigits = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? "-" : "+"}${exponentDigits}`;
  }
  if (decimalPoint <= 0) {
    return `${sign}0.${"0".repeat(-decimalPoint)}${digits}`;
  }
  if (digits.length <= decimalPoint) {
    return `${sign}${digits}${"0".repeat(decimalPoint - digits.length)}`;
  }
  return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
}

/**
 * The shortest round-tripping decimal digits of a positive finite number, without leading or
 * trailing zeros, and the position of the decimal point (value = 0.digits × 10^decimalPoint).
 * JavaScript's number-to-string conversion already picks the shortest round-tripping digits, as
 * Go's shortest mode does; only the layout differs, so the digits are taken from `String()`.
 */
function readShortestDigits(magnitude: number): { digits: string; decimalPoint: number } {
  const [coefficient = "", exponentText] = String(magnitude).split("e");
  const [integerPart = "", fractionPart = ""] = coefficient.split(".");
  let digits = integerPart + fractionPart;
  let decimalPoint = integerPart.length + (exponentText === undefined ? 0 : Number(exponentText));
  const leadingZeros = digits.length - digits.replace(/^0+/, "").length;
  digits = digits.slice(leadingZeros).replace(/0+$/, "");
  decimalPoint -= leadingZeros;
  return { digits, decimalPoint };
}
