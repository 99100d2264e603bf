import { ValidationOptions, ValidateBy, buildMessage, isEmail } from 'class-validator';

/** True when `s` holds a control character other than tab, line feed or carriage return. */
export function hasControlCharacters(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `s` is not valid Unicode: it holds a lone UTF-16 surrogate. Such a string cannot be
 * stored as it was sent (BSON, like JSON on the wire to Xero, is UTF-8, so it would become U+FFFD)
 * and breaks validators that percent-decode it.
 */
export function isIllFormedUnicode(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/** Why `value` is not plain text, or undefined when it is (non-strings are other validators' business). */
function plainTextProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (isIllFormedUnicode(value)) return 'must be valid Unicode (it holds an unpaired surrogate)';
  if (hasControlCharacters(value)) return 'must not contain control characters';
  return undefined;
}

/**
 * Control characters (other than tab and line breaks) have no place in a customer's details, or in
 * Xero; nor has text that is not valid Unicode, which could not be stored as acknowledged.
 */
export function IsPlainText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPlainText',
      validator: {
        validate: (value: unknown) => plainTextProblem(value) === undefined,
        defaultMessage: buildMessage((each, args) => `${each}$property ${plainTextProblem(args?.value) ?? 'must be plain text'}`, options),
      },
    },
    options,
  );
}

/** An email address; text that is not valid Unicode is refused before the address check (which would throw on it). */
export function IsEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEmailAddress',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !isIllFormedUnicode(value) && isEmail(value),
        defaultMessage: buildMessage((each) => `${each}$property must be an email address`, options),
      },
    },
    options,
  );
}

/**
 * A finite number with at most `places` decimal places, however it is written (`1e-7` included:
 * class-validator's maxDecimalPlaces reads the decimals off the number's text and fails on an exponent).
 */
export function HasAtMostDecimals(places: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasAtMostDecimals',
      constraints: [places],
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isFinite(value) && Number(value.toFixed(places)) === value,
        defaultMessage: buildMessage((each) => `${each}$property must be a number with at most ${places} decimal places`, options),
      },
    },
    options,
  );
}
