/**
 * Go's `time.Time.Format` for a Unix timestamp in a time zone: the layout is written as the
 * reference time `Mon Jan 2 15:04:05 MST 2006` would look (`2006-01-02 15:04`, `Jan _2 3:04PM`).
 * drone-template-lib's `datetime` helper hands its layout to Go unchanged, so templates written
 * for drone-slack carry Go layouts.
 */

/** A layout element of the reference time; text that is not one is copied as is. */
type LayoutElement =
  | "January"
  | "Jan"
  | "1"
  | "01"
  | "Monday"
  | "Mon"
  | "2"
  | "_2"
  | "02"
  | "__2"
  | "002"
  | "15"
  | "3"
  | "03"
  | "4"
  | "04"
  | "5"
  | "05"
  | "2006"
  | "06"
  | "PM"
  | "pm"
  | "MST"
  | "Z0700"
  | "Z070000"
  | "Z07"
  | "Z07:00"
  | "Z07:00:00"
  | "-0700"
  | "-070000"
  | "-07"
  | "-07:00"
  | "-07:00:00"
  | "fraction";

interface LayoutChunk {
  /** Literal text before the element. */
  prefix: string;
  /** The element, or undefined when the rest of the layout is literal. */
  element?: LayoutElement;
  /** For fractional seconds: separator, number of digits, and whether trailing zeros are cut. */
  fraction?: { separator: string; digits: number; trim: boolean };
  /** The layout after the element. */
  suffix: string;
}

const zeroPrefixed: Record<string, LayoutElement> = {
  "1": "01",
  "2": "02",
  "3": "03",
  "4": "04",
  "5": "05",
  "6": "06",
};

const offsetElements: readonly LayoutElement[] = ["-070000", "-07:00:00", "-0700", "-07:00", "-07"];
const isoOffsetElements: readonly LayoutElement[] = [
  "Z070000",
  "Z07:00:00",
  "Z0700",
  "Z07:00",
  "Z07",
];

function startsWithLowerCase(text: string): boolean {
  const first = text.charCodeAt(0);
  return first >= 97 && first <= 122;
}

function isDigit(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 48 && code <= 57;
}

// The same left-to-right scan as Go's nextStdChunk, so that ambiguous layouts ("Month",
// "_2006", "15" vs "1") split exactly as Go splits them.
function nextChunk(layout: string): LayoutChunk {
  for (let index = 0; index < layout.length; index++) {
    const rest = layout.slice(index);
    const prefix = layout.slice(0, index);
    const found = (element: LayoutElement, length: number): LayoutChunk => ({
      prefix,
      element,
      suffix: layout.slice(index + length),
    });
    switch (layout[index]) {
      case "J":
        if (rest.startsWith("Jan")) {
          if (rest.startsWith("January")) return found("January", 7);
          if (!startsWithLowerCase(rest.slice(3))) return found("Jan", 3);
        }
        break;
      case "M":
        if (rest.startsWith("Mon")) {
          if (rest.startsWith("Monday")) return found("Monday", 6);
          if (!startsWithLowerCase(rest.slice(3))) return found("Mon", 3);
        }
        if (rest.startsWith("MST")) return found("MST", 3);
        break;
      case "0": {
        const next = rest[1];
        if (next !== undefined && next >= "1" && next <= "6") {
          return found(zeroPrefixed[next] as LayoutElement, 2);
        }
        if (rest.startsWith("002")) return found("002", 3);
        break;
      }
      case "1":
        if (rest.startsWith("15")) return found("15", 2);
        return found("1", 1);
      case "2":
        if (rest.startsWith("2006")) return found("2006", 4);
        return found("2", 1);
      case "_":
        if (rest[1] === "2") {
          // "_2006" is a literal underscore followed by the year.
          if (rest.startsWith("_2006")) {
            return { prefix: layout.slice(0, index + 1), element: "2006", suffix: rest.slice(5) };
          }
          return found("_2", 2);
        }
        if (rest.startsWith("__2")) return found("__2", 3);
        break;
      case "3":
        return found("3", 1);
      case "4":
        return found("4", 1);
      case "5":
        return found("5", 1);
      case "P":
        if (rest[1] === "M") return found("PM", 2);
        break;
      case "p":
        if (rest[1] === "m") return found("pm", 2);
        break;
      case "-":
        for (const element of offsetElements) {
          if (rest.startsWith(element)) return found(element, element.length);
        }
        break;
      case "Z":
        for (const element of isoOffsetElements) {
          if (rest.startsWith(element)) return found(element, element.length);
        }
        break;
      case ".":
      case ",": {
        const digit = rest[1];
        if (digit === "0" || digit === "9") {
          let end = 1;
          while (rest[end] === digit) end++;
          // Only a run of digits that ends here is a fractional second.
          if (!isDigit(rest, end)) {
            return {
              prefix,
              element: "fraction",
              fraction: { separator: rest[0] as string, digits: end - 1, trim: digit === "9" },
              suffix: rest.slice(end),
            };
          }
        }
        break;
      }
    }
  }
  return { prefix: layout, suffix: "" };
}

const longMonthNames = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const longDayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** The wall clock of an instant in a zone, and the zone's offset and abbreviation at that instant. */
interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  yearDay: number;
  /** Seconds east of UTC. */
  offset: number;
  /** Abbreviation such as `UTC`, `CET` or `EST`, or a numeric one (`+0530`) when none is known. */
  zoneName: string;
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? "";
  let format = wallClockFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
      era: "short",
    });
    wallClockFormats.set(key, format);
  }
  return format;
}

function readWallClock(instant: Date, timeZone: string | undefined): WallClock {
  const parts: Record<string, string> = {};
  for (const part of wallClockFormat(timeZone).formatToParts(instant))
    parts[part.type] = part.value;
  const yearOfEra = Number(parts.year);
  // Intl counts years before 1 AD backwards ("2 BC"); Go uses astronomical years (-1).
  const year = parts.era === "BC" ? 1 - yearOfEra : yearOfEra;
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  const wallAsUtc = new Date(0);
  wallAsUtc.setUTCFullYear(year, month - 1, day);
  wallAsUtc.setUTCHours(hour, minute, second, 0);
  const offset = Math.round(
    (wallAsUtc.getTime() - Math.floor(instant.getTime() / 1000) * 1000) / 1000,
  );
  const startOfYear = new Date(0);
  startOfYear.setUTCFullYear(year, 0, 1);
  const yearDay = Math.floor((wallAsUtc.getTime() - startOfYear.getTime()) / 86_400_000) + 1;
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    weekday: wallAsUtc.getUTCDay(),
    yearDay,
    offset,
    zoneName: readZoneName(instant, timeZone, offset),
  };
}

// Go prints the tz database abbreviation. Intl has no direct equivalent: en-US knows the North
// American ones (EST, PDT) and UTC, en-GB the European ones (CET, BST); anything else comes back as
// "GMT+9", where the tz database mostly uses a numeric abbreviation, which is what we print then.
function readZoneName(instant: Date, timeZone: string | undefined, offset: number): string {
  for (const locale of ["en-US", "en-GB"]) {
    const name = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" })
      .formatToParts(instant)
      .find((part) => part.type === "timeZoneName")?.value;
    if (name && !/^(?:GMT|UTC)[+\-\u2212]/.test(name)) return name;
  }
  const sign = offset < 0 ? "-" : "+";
  const minutes = Math.floor(Math.abs(offset) / 60);
  const hours = pad(Math.floor(minutes / 60), 2);
  return minutes % 60 === 0 ? `${sign}${hours}` : `${sign}${hours}${pad(minutes % 60, 2)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function formatOffset(element: LayoutElement, offset: number): string {
  if (offset === 0 && element.startsWith("Z")) return "Z";
  const sign = offset < 0 ? "-" : "+";
  const absolute = Math.abs(offset);
  const minutes = Math.floor(absolute / 60);
  const colon = element.includes(":");
  let text = `${sign}${pad(Math.floor(minutes / 60), 2)}`;
  if (element !== "-07" && element !== "Z07") text += `${colon ? ":" : ""}${pad(minutes % 60, 2)}`;
  if (element.endsWith("0000") || element.endsWith(":00:00")) {
    text += `${colon ? ":" : ""}${pad(absolute % 60, 2)}`;
  }
  return text;
}

function formatElement(chunk: LayoutChunk, clock: WallClock): string {
  switch (chunk.element) {
    case "January":
      return longMonthNames[clock.month - 1] as string;
    case "Jan":
      return (longMonthNames[clock.month - 1] as string).slice(0, 3);
    case "1":
      return String(clock.month);
    case "01":
      return pad(clock.month, 2);
    case "Monday":
      return longDayNames[clock.weekday] as string;
    case "Mon":
      return (longDayNames[clock.weekday] as string).slice(0, 3);
    case "2":
      return String(clock.day);
    case "_2":
      return String(clock.day).padStart(2, " ");
    case "02":
      return pad(clock.day, 2);
    case "__2":
      return String(clock.yearDay).padStart(3, " ");
    case "002":
      return pad(clock.yearDay, 3);
    case "15":
      return pad(clock.hour, 2);
    case "3":
      return String(clock.hour % 12 === 0 ? 12 : clock.hour % 12);
    case "03":
      return pad(clock.hour % 12 === 0 ? 12 : clock.hour % 12, 2);
    case "4":
      return String(clock.minute);
    case "04":
      return pad(clock.minute, 2);
    case "5":
      return String(clock.second);
    case "05":
      return pad(clock.second, 2);
    case "2006":
      return clock.year < 0 ? `-${pad(-clock.year, 4)}` : pad(clock.year, 4);
    case "06":
      return pad(Math.abs(clock.year) % 100, 2);
    case "PM":
      return clock.hour >= 12 ? "PM" : "AM";
    case "pm":
      return clock.hour >= 12 ? "pm" : "am";
    case "MST":
      return clock.zoneName;
    case "fraction": {
      // Timestamps are whole seconds, so the fraction is always zero: ".000" keeps its zeros,
      // ".999" disappears with its separator, as in Go.
      const fraction = chunk.fraction as NonNullable<LayoutChunk["fraction"]>;
      return fraction.trim ? "" : `${fraction.separator}${"0".repeat(fraction.digits)}`;
    }
    case undefined:
      return "";
    default:
      return formatOffset(chunk.element, clock.offset);
  }
}

/**
 * Formats a Unix timestamp (seconds) with a Go layout, in `timeZone` (an IANA name such as
 * `Europe/Berlin`; `undefined` for the process's local zone, which honours `TZ` as Go does).
 *
 * Zone abbreviations (`MST` in the layout) come from `Intl` and may differ from Go's for zones
 * whose abbreviation only the tz database knows; they fall back to a numeric form such as `+0530`.
 *
 * @example
 * formatGoTime(1546340400, "2006-01-02 15:04:05 MST", "UTC") // "2019-01-01 11:00:00 UTC"
 * formatGoTime(1546340400, "Mon Jan _2 3:04PM", "America/New_York") // "Tue Jan  1 6:00AM"
 */
export function formatGoTime(
  timestamp: number,
  layout: string,
  timeZone: string | undefined,
): string {
  const clock = readWallClock(new Date(timestamp * 1000), timeZone);
  let output = "";
  let rest = layout;
  while (rest !== "") {
    const chunk = nextChunk(rest);
    output += chunk.prefix;
    if (chunk.element === undefined) break;
    output += formatElement(chunk, clock);
    rest = chunk.suffix;
  }
  return output;
}

/**
 * True when `timeZone` is a zone name `Intl` (and so {@link formatGoTime}) understands.
 * drone-template-lib falls back to the local zone for names Go cannot load; callers do the same.
 */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}
