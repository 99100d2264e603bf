import { StoredContact } from './contact';

/**
 * The `where` filter of GET /Contacts: Xero's Dynamic-LINQ-like syntax, the subset a contact sync needs.
 *
 *   ContactStatus=="ACTIVE" AND (IsCustomer==true OR IsSupplier==false)
 *   Name.Contains("Smith") && EmailAddress!=null
 *   ContactID==Guid("...") OR UpdatedDateUTC>=DateTime(2024,01,31)
 *
 * Operators: == != < <= > >=, AND / OR / NOT (also && || !), parentheses; methods Contains, StartsWith,
 * EndsWith, ToLower, ToUpper on text fields; literals "text", true, false, null, numbers, Guid("..."),
 * DateTime(y,m,d[,h,m,s]). `=` is accepted for `==`, as Xero accepts both.
 * Equality (`==`, `!=`) on Name, EmailAddress and AccountNumber ignores letter case and accents, as
 * Xero does for these fields (issue 8, row 6; they are also the ones Xero lists as optimised filters);
 * other text comparisons are exact (use ToLower() to ignore case).
 * Anything else is refused with a QueryParseException, as Xero refuses a where clause it cannot read.
 */
export class WhereParseError extends Error {}

type FieldType = 'string' | 'bool' | 'guid' | 'date';

const FIELDS: Record<
  string,
  { type: FieldType; get: (c: StoredContact) => unknown }
> = {
  ContactID: { type: 'guid', get: (c) => c.ContactID },
  MergedToContactID: { type: 'guid', get: (c) => c.MergedToContactID },
  ContactNumber: { type: 'string', get: (c) => c.ContactNumber },
  AccountNumber: { type: 'string', get: (c) => c.AccountNumber },
  ContactStatus: { type: 'string', get: (c) => c.ContactStatus },
  Name: { type: 'string', get: (c) => c.Name },
  FirstName: { type: 'string', get: (c) => c.FirstName },
  LastName: { type: 'string', get: (c) => c.LastName },
  EmailAddress: { type: 'string', get: (c) => c.EmailAddress },
  CompanyNumber: { type: 'string', get: (c) => c.CompanyNumber },
  TaxNumber: { type: 'string', get: (c) => c.TaxNumber },
  BankAccountDetails: { type: 'string', get: (c) => c.BankAccountDetails },
  IsCustomer: { type: 'bool', get: (c) => c.IsCustomer },
  IsSupplier: { type: 'bool', get: (c) => c.IsSupplier },
  UpdatedDateUTC: { type: 'date', get: (c) => c.UpdatedDateUTC },
};

const FIELD_BY_LOWER = new Map(
  Object.keys(FIELDS).map((k) => [k.toLowerCase(), k]),
);

export function resolveField(name: string): string | undefined {
  return FIELD_BY_LOWER.get(name.toLowerCase());
}

export function fieldType(name: string): FieldType {
  return FIELDS[name].type;
}

export function fieldValue(c: StoredContact, name: string): unknown {
  return FIELDS[name].get(c);
}

type Token =
  | { t: 'ident'; v: string; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'number'; v: number; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'punct'; v: '(' | ')' | ',' | '.'; pos: number }
  | { t: 'end'; pos: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
      out.push({ t: 'op', v: two, pos: i });
      i += 2;
      continue;
    }
    if (ch === '<' || ch === '>' || ch === '!') {
      out.push({ t: 'op', v: ch, pos: i });
      i++;
      continue;
    }
    if (ch === '=') {
      out.push({ t: 'op', v: '==', pos: i });
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === '.') {
      out.push({ t: 'punct', v: ch, pos: i });
      i++;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length) {
          s += src[j + 1];
          j += 2;
        } else {
          s += src[j++];
        }
      }
      if (j >= src.length)
        throw new WhereParseError(
          `Unterminated string literal at position ${i}`,
        );
      out.push({ t: 'string', v: s, pos: i });
      i = j + 1;
      continue;
    }
    if (/[0-9-]/.test(ch)) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i));
      if (!m) throw new WhereParseError(`Unexpected '${ch}' at position ${i}`);
      out.push({ t: 'number', v: Number(m[0]), pos: i });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'ident', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    throw new WhereParseError(`Unexpected '${ch}' at position ${i}`);
  }
  out.push({ t: 'end', pos: src.length });
  return out;
}

type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'number'; value: number }
  | { kind: 'guid'; value: string }
  | { kind: 'date'; value: number };

interface FieldRef {
  kind: 'field';
  name: string;
  transforms: Array<'lower' | 'upper'>;
}

type Operand = FieldRef | Literal;

export type Predicate = (c: StoredContact) => boolean;

/** Fields whose equality ignores letter case and accents. */
const FOLDED_FIELDS = new Set(['Name', 'EmailAddress', 'AccountNumber']);

/** Case- and accent-insensitive form: "Zoë Ångström" and "zoe angstrom" compare equal. */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export interface WhereOptions {
  /** Fields the reply leaves out (summaryOnly): naming one is refused. */
  unavailable?: readonly string[];
}

class Parser {
  private i = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly options: WhereOptions = {},
  ) {}

  parse(): Predicate {
    const p = this.or();
    const t = this.peek();
    if (t.t !== 'end')
      throw new WhereParseError(`Unexpected input at position ${t.pos}`);
    return p;
  }

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.t === 'ident' && t.v.toUpperCase() === word;
  }

  private expectPunct(v: string): void {
    const t = this.next();
    if (t.t !== 'punct' || t.v !== v)
      throw new WhereParseError(`Expected '${v}' at position ${t.pos}`);
  }

  private or(): Predicate {
    let left = this.and();
    for (;;) {
      const t = this.peek();
      if ((t.t === 'op' && t.v === '||') || this.isKeyword('OR')) {
        this.next();
        const l = left;
        const r = this.and();
        left = (c) => l(c) || r(c);
      } else return left;
    }
  }

  private and(): Predicate {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if ((t.t === 'op' && t.v === '&&') || this.isKeyword('AND')) {
        this.next();
        const l = left;
        const r = this.unary();
        left = (c) => l(c) && r(c);
      } else return left;
    }
  }

  private unary(): Predicate {
    const t = this.peek();
    if ((t.t === 'op' && t.v === '!') || this.isKeyword('NOT')) {
      this.next();
      const inner = this.unary();
      return (c) => !inner(c);
    }
    return this.primary();
  }

  private primary(): Predicate {
    const t = this.peek();
    if (t.t === 'punct' && t.v === '(') {
      this.next();
      const inner = this.or();
      this.expectPunct(')');
      return inner;
    }
    const left = this.operand();
    // A method call returning bool (Contains, StartsWith, EndsWith) was folded into a predicate.
    if (typeof left === 'function') return left;
    const op = this.peek();
    if (op.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(op.v)) {
      this.next();
      const right = this.operand();
      if (typeof right === 'function')
        throw new WhereParseError(
          `Unexpected expression at position ${op.pos}`,
        );
      return comparison(left, op.v, right, op.pos);
    }
    if (
      left.kind === 'field' &&
      fieldType(left.name) === 'bool' &&
      left.transforms.length === 0
    ) {
      const name = left.name;
      return (c) => fieldValue(c, name) === true;
    }
    throw new WhereParseError(`Expected a comparison at position ${op.pos}`);
  }

  private operand(): Operand | Predicate {
    const t = this.next();
    if (t.t === 'string') return { kind: 'string', value: t.v };
    if (t.t === 'number') return { kind: 'number', value: t.v };
    if (t.t !== 'ident')
      throw new WhereParseError(`Unexpected token at position ${t.pos}`);
    const word = t.v;
    const upper = word.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE')
      return { kind: 'bool', value: upper === 'TRUE' };
    if (upper === 'NULL') return { kind: 'null' };
    if (
      upper === 'GUID' &&
      this.peek().t === 'punct' &&
      (this.peek() as { v: string }).v === '('
    ) {
      this.next();
      const s = this.next();
      if (
        s.t !== 'string' ||
        !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(
          s.v,
        )
      ) {
        throw new WhereParseError(
          `Guid() needs a quoted GUID at position ${s.pos}`,
        );
      }
      this.expectPunct(')');
      return { kind: 'guid', value: s.v.toLowerCase() };
    }
    if (
      upper === 'DATETIME' &&
      this.peek().t === 'punct' &&
      (this.peek() as { v: string }).v === '('
    ) {
      this.next();
      const parts: number[] = [];
      for (;;) {
        const n = this.next();
        if (n.t !== 'number')
          throw new WhereParseError(
            `DateTime() takes numbers at position ${n.pos}`,
          );
        parts.push(n.v);
        const sep = this.next();
        if (sep.t === 'punct' && sep.v === ')') break;
        if (!(sep.t === 'punct' && sep.v === ','))
          throw new WhereParseError(`Expected ',' at position ${sep.pos}`);
      }
      if (parts.length < 3 || parts.length > 6)
        throw new WhereParseError('DateTime() takes 3 to 6 numbers');
      const [y, mo, d, h = 0, mi = 0, s = 0] = parts;
      return { kind: 'date', value: Date.UTC(y, mo - 1, d, h, mi, s) };
    }
    const name = resolveField(word);
    if (!name)
      throw new WhereParseError(
        `No property or field '${word}' exists in type 'Contact'`,
      );
    if (this.options.unavailable?.includes(name))
      throw new WhereParseError(
        `'${name}' is not returned with summaryOnly=true and cannot be used in a where filter`,
      );
    const ref: FieldRef = { kind: 'field', name, transforms: [] };
    while (
      this.peek().t === 'punct' &&
      (this.peek() as { v: string }).v === '.'
    ) {
      this.next();
      const m = this.next();
      if (m.t !== 'ident')
        throw new WhereParseError(
          `Expected a method name at position ${m.pos}`,
        );
      this.expectPunct('(');
      const method = m.v;
      if (fieldType(name) !== 'string')
        throw new WhereParseError(
          `Method '${method}' is not available on '${name}'`,
        );
      if (method === 'ToLower' || method === 'ToUpper') {
        this.expectPunct(')');
        ref.transforms.push(method === 'ToLower' ? 'lower' : 'upper');
        continue;
      }
      if (
        method === 'Contains' ||
        method === 'StartsWith' ||
        method === 'EndsWith'
      ) {
        const arg = this.next();
        if (arg.t !== 'string')
          throw new WhereParseError(
            `${method}() takes a quoted string at position ${arg.pos}`,
          );
        this.expectPunct(')');
        const target = { ...ref, transforms: [...ref.transforms] };
        return (c) => {
          const v = readField(c, target);
          if (typeof v !== 'string') return false;
          if (method === 'Contains') return v.includes(arg.v);
          if (method === 'StartsWith') return v.startsWith(arg.v);
          return v.endsWith(arg.v);
        };
      }
      throw new WhereParseError(
        `No applicable method '${method}' exists in type 'String'`,
      );
    }
    return ref;
  }
}

function readField(c: StoredContact, ref: FieldRef): unknown {
  let v = fieldValue(c, ref.name);
  if (v === '') v = undefined; // an empty text field is null to the filter
  for (const tr of ref.transforms) {
    if (typeof v === 'string')
      v = tr === 'lower' ? v.toLowerCase() : v.toUpperCase();
  }
  return v;
}

function literalValue(l: Literal): unknown {
  return l.kind === 'null' ? undefined : l.value;
}

function compatible(type: FieldType, lit: Literal): boolean {
  if (lit.kind === 'null') return type !== 'bool';
  if (type === 'string') return lit.kind === 'string';
  if (type === 'bool') return lit.kind === 'bool';
  if (type === 'guid') return lit.kind === 'guid';
  return lit.kind === 'date';
}

const MIRROR: Record<string, string> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  '==': '==',
  '!=': '!=',
};

function comparison(
  left: Operand,
  op: string,
  right: Operand,
  pos: number,
): Predicate {
  let field: FieldRef;
  let lit: Literal;
  if (left.kind === 'field' && right.kind !== 'field') {
    field = left;
    lit = right;
  } else if (right.kind === 'field' && left.kind !== 'field') {
    field = right;
    lit = left;
    op = MIRROR[op];
  } else {
    throw new WhereParseError(
      `A comparison needs one field and one value (position ${pos})`,
    );
  }
  const type = fieldType(field.name);
  if (!compatible(type, lit)) {
    throw new WhereParseError(
      `Operator '${op}' incompatible with operand types '${type}' and '${lit.kind}' (field ${field.name})`,
    );
  }
  if (
    op !== '==' &&
    op !== '!=' &&
    (lit.kind === 'null' || type === 'bool' || type === 'guid')
  ) {
    throw new WhereParseError(
      `Operator '${op}' is not defined for ${field.name}`,
    );
  }
  const expected = literalValue(lit);
  if (
    (op === '==' || op === '!=') &&
    FOLDED_FIELDS.has(field.name) &&
    typeof expected === 'string'
  ) {
    const want = foldText(expected);
    return (c) => {
      const actual = readField(c, field);
      const same = typeof actual === 'string' && foldText(actual) === want;
      return op === '==' ? same : !same;
    };
  }
  return (c) => {
    const actual = readField(c, field);
    switch (op) {
      case '==':
        return actual === expected;
      case '!=':
        return actual !== expected;
      default: {
        if (actual === undefined) return false;
        const a = actual as string | number;
        const b = expected as string | number;
        if (op === '<') return a < b;
        if (op === '<=') return a <= b;
        if (op === '>') return a > b;
        return a >= b;
      }
    }
  };
}

export function parseWhere(
  where: string,
  options: WhereOptions = {},
): Predicate {
  if (where.trim() === '') return () => true;
  return new Parser(tokenize(where), options).parse();
}
