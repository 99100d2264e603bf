import {
  isMsDate,
  msDate,
  parseIfModifiedSince,
  parseMsDate,
  xeroUtcTimestamp,
} from './ms-date';

describe('Microsoft JSON dates', () => {
  it("formats and parses both of Xero's forms", () => {
    expect(msDate(1573755038314)).toBe('/Date(1573755038314)/');
    expect(msDate(1503348544227, true)).toBe('/Date(1503348544227+0000)/');
    expect(parseMsDate('/Date(1503348544227+0000)/')).toBe(1503348544227);
    expect(isMsDate('2024-01-01T00:00:00Z')).toBe(false);
  });

  it('formats the identity/webhook timestamps without an offset', () => {
    expect(xeroUtcTimestamp(Date.UTC(2024, 5, 21, 1, 15, 39, 902))).toBe(
      '2024-06-21T01:15:39.902',
    );
    expect(xeroUtcTimestamp(Date.UTC(2019, 11, 7, 18, 46, 19, 516), 7)).toBe(
      '2019-12-07T18:46:19.5160000',
    );
  });
});

describe('parseIfModifiedSince', () => {
  it('reads what xero-node sends (toISOString), ISO with offsets, offset-less ISO as UTC, and HTTP dates', () => {
    const t = Date.UTC(2020, 1, 6, 20, 17, 43, 202);
    expect(parseIfModifiedSince('2020-02-06T20:17:43.202Z')).toBe(t);
    expect(parseIfModifiedSince('2020-02-06T12:17:43.202-08:00')).toBe(t);
    expect(parseIfModifiedSince('2020-02-06T20:17:43.202')).toBe(t);
    expect(parseIfModifiedSince('Thu, 06 Feb 2020 20:17:43 GMT')).toBe(
      Date.UTC(2020, 1, 6, 20, 17, 43),
    );
    expect(parseIfModifiedSince('yesterday')).toBeUndefined();
    expect(parseIfModifiedSince(undefined)).toBeUndefined();
  });
});
