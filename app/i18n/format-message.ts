import type { Locale } from "./locales";

/**
 * Fills a message template in. Three forms, a small subset of ICU MessageFormat so translators
 * recognise it:
 *
 * - `{name}` — the parameter (a missing one stays visible as `{name}`);
 * - `{name, plural, =0 {…} one {…} other {…}}` — the branch `Intl.PluralRules` picks for the
 *   parameter in the message's language (an exact `=n` first, `other` when the language's category
 *   has no branch); `#` in the branch stands for the parameter. "1 tentative(s)" hedges read as a
 *   mistake in both languages, and French puts 0 and 1 in the singular where English does not,
 *   so the choice has to be the language's own;
 * - `{name, de}` — the French preposition "de" before the parameter, elided before a vowel
 *   ("d’Amazon France", "de Mon magasin"): names are the merchant's, so no template can spell it.
 */
export type MessageParams = Readonly<Record<string, string | number>>;

/** How a parameter's value is written into the text (reasons render dates and lists their way). */
export type RenderParam = (name: string, value: string | number) => string;

export function formatMessage(
  locale: Locale,
  template: string,
  params: MessageParams | undefined,
  render: RenderParam = (_name, value) => String(value),
): string {
  return fill(locale, template, params ?? {}, render, undefined);
}

function fill(
  locale: Locale,
  template: string,
  params: MessageParams,
  render: RenderParam,
  pound: string | undefined,
): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const char = template[i]!;
    if (char === "#" && pound !== undefined) {
      out += pound;
      i += 1;
      continue;
    }
    if (char !== "{") {
      out += char;
      i += 1;
      continue;
    }
    const end = matchingBrace(template, i);
    if (end < 0) {
      // An unbalanced brace is text, not syntax: show the rest as written.
      out += template.slice(i);
      break;
    }
    out += placeholder(locale, template.slice(i, end + 1), params, render);
    i = end + 1;
  }
  return out;
}

/** Index of the `}` closing the `{` at `start`, or -1. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i += 1) {
    if (text[i] === "{") depth += 1;
    else if (text[i] === "}") {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function placeholder(
  locale: Locale,
  whole: string,
  params: MessageParams,
  render: RenderParam,
): string {
  const inner = whole.slice(1, -1);
  const head = /^\s*(\w+)\s*(?:,\s*(\w+)\s*(?:,([\s\S]*))?)?$/.exec(inner);
  if (!head) return whole;
  const name = head[1]!;
  const kind = head[2];
  const rest = head[3];
  if (!Object.hasOwn(params, name)) return whole;
  const value = params[name]!;
  if (kind === undefined) return render(name, value);
  if (kind === "de") return frenchDe(render(name, value));
  if (kind === "plural" && rest !== undefined) {
    const branches = pluralBranches(rest);
    if (!branches) return whole;
    const branch = pickBranch(locale, branches, countOf(value));
    return branch === undefined ? whole : fill(locale, branch, params, render, render(name, value));
  }
  return whole;
}

/** `one {…} other {…}` as selector → text, or undefined when it is not well formed. */
function pluralBranches(text: string): Map<string, string> | undefined {
  const branches = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    const selector = /^\s*(=-?\d+|zero|one|two|few|many|other)\s*\{/.exec(text.slice(i));
    if (!selector) return /^\s*$/.test(text.slice(i)) ? branches : undefined;
    const open = i + selector[0].length - 1;
    const close = matchingBrace(text, open);
    if (close < 0) return undefined;
    branches.set(selector[1]!, text.slice(open + 1, close));
    i = close + 1;
  }
  return branches;
}

// Every translated string with a count goes through here: one rules object per language.
const rules = new Map<Locale, Intl.PluralRules>();
function pluralRules(locale: Locale): Intl.PluralRules {
  let found = rules.get(locale);
  if (!found) {
    found = new Intl.PluralRules(locale);
    rules.set(locale, found);
  }
  return found;
}

function pickBranch(
  locale: Locale,
  branches: Map<string, string>,
  count: number | undefined,
): string | undefined {
  if (count === undefined) return branches.get("other");
  return (
    branches.get(`=${count}`) ??
    branches.get(pluralRules(locale).select(count)) ??
    branches.get("other")
  );
}

/**
 * The number a count parameter stands for. Pages often pass counts already formatted for the
 * language ("1,234", "1 234" with a narrow no-break space): the digits are what count.
 */
export function countOf(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  const digits = value.replace(/[\s\u00a0\u202f,.'’]/g, "").replace(/^[−-]/, "-");
  return /^-?\d+$/.test(digits) ? Number(digits) : undefined;
}

/**
 * "de" before a name, elided before a vowel sound as French writes it. Only a leading vowel is
 * taken for one: an "h" may be mute or aspirated and a "y" is often a consonant, and "de" reads
 * right before both far more often than a wrong "d’" does.
 */
export function frenchDe(name: string): string {
  return /^[aàâäeéèêëiîïoôöuùûüœæ]/i.test(name.trimStart()) ? `d’${name}` : `de ${name}`;
}
