/** Why {@link parsePaxRecords} refused a pax extended header. */
export class PaxFormatError extends Error {}

/**
 * Parses the records of a pax extended header (`"<length> <key>=<value>\n"`, the length counting
 * the whole record). Later records win over earlier ones, as in GNU tar. Keys and values are
 * Latin-1 strings of the raw bytes.
 *
 * Any malformed record refuses the whole header: GNU tar would report it and skip it, and a header
 * this parser applies but tar skips could make the two read different sizes or names.
 *
 * @throws PaxFormatError for a malformed record.
 */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < data.length) {
    const spaceAt = data.indexOf(0x20, position);
    if (spaceAt === -1 || spaceAt === position || spaceAt - position > 20) {
      throw new PaxFormatError("a record has no length");
    }
    const lengthText = data.toString("latin1", position, spaceAt);
    if (!/^[0-9]+$/.test(lengthText)) throw new PaxFormatError("a record length is not a number");
    const length = Number(lengthText);
    const end = position + length;
    if (end > data.length || end <= spaceAt + 1 || data[end - 1] !== 0x0a) {
      throw new PaxFormatError("a record length does not match its content");
    }
    const record = data.toString("latin1", spaceAt + 1, end - 1);
    const equalsAt = record.indexOf("=");
    if (equalsAt <= 0) throw new PaxFormatError("a record has no key");
    records.set(record.slice(0, equalsAt), record.slice(equalsAt + 1));
    position = end;
  }
  return records;
}
