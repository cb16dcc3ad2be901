import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatGoFloat, GoFloat, goFloat } from "./go-float.js";

describe("formatGoFloat", () => {
  // Expected texts are what Go prints for strconv.FormatFloat(v, 'g', -1, 64): %e when the
  // decimal exponent is < -4 or >= 6 (strconv/ftoa.go, "use precision 6 for this decision").
  it.each([
    [42.424242, "42.424242"],
    [9334553, "9.334553e+06"],
    [1e6, "1e+06"],
    [123456, "123456"],
    [999999, "999999"],
    [123456.7, "123456.7"],
    [1234567.8, "1.2345678e+06"],
    [0.0001, "0.0001"],
    [0.000123, "0.000123"],
    [0.00001, "1e-05"],
    [1.5e-7, "1.5e-07"],
    [1.2, "1.2"],
    [0.1, "0.1"],
    [1, "1"],
    [-2.5, "-2.5"],
    [-1e6, "-1e+06"],
    [1e21, "1e+21"],
    [1e100, "1e+100"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [5e-324, "5e-324"],
    [0, "0"],
    [-0, "-0"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "+Inf"],
    [Number.NEGATIVE_INFINITY, "-Inf"],
  ])("formats %s as %s", (value, text) => {
    expect(formatGoFloat(value)).toBe(text);
  });

  it("reads back as the same float64 for every finite number", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(Object.is(Number(formatGoFloat(value)), value)).toBe(true);
      }),
    );
  });

  it("uses the exponent form exactly when the decimal exponent is below -4 or at least 6", () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: Number.MIN_VALUE }),
        (value) => {
          // toExponential() without an argument also uses the shortest round-tripping digits.
          const exponent = Number(value.toExponential().split("e")[1]);
          const text = formatGoFloat(value);
          expect(text.includes("e")).toBe(exponent < -4 || exponent >= 6);
          if (text.includes("e")) {
            expect(text).toMatch(/^\d(\.\d+)?e[+-]\d{2,3}$/);
          }
        },
      ),
    );
  });
});

describe("goFloat", () => {
  it("marks a number as a float, recognised across copies of the class", () => {
    const marked = goFloat(1);
    expect(marked).toBeInstanceOf(GoFloat);
    expect(marked.value).toBe(1);
    expect(GoFloat.isInstance(marked)).toBe(true);
    expect(GoFloat.isInstance({ value: 1 })).toBe(false);
    expect(GoFloat.isInstance(1)).toBe(false);
  });
});
