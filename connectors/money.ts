/** Money as integer minor units plus ISO 4217 currency. Never floats. */
export interface Money {
  amountMinor: number;
  currency: string;
}

/** Minor-unit exponents that differ from 2 (ISO 4217). */
const EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

export class MoneyFormatError extends Error {
  override name = "MoneyFormatError";
}

/**
 * Parses a decimal amount as vendors send it ("12.5", "-3.10", "1,234.56" is refused) into minor
 * units, exactly: by string, never through a float. More fraction digits than the currency has are
 * refused unless they are zeros.
 */
export function toMinor(amount: string | number, currency: string): number {
  const text = typeof amount === "number" ? numberToPlainString(amount) : amount.trim();
  const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyFormatError(`not a decimal amount: "${text}"`);
  const [, sign, whole, fraction = ""] = match;
  const exponent = currencyExponent(currency);
  const kept = fraction.slice(0, exponent).padEnd(exponent, "0");
  const dropped = fraction.slice(exponent);
  if (/[1-9]/.test(dropped)) {
    throw new MoneyFormatError(`${text} has more decimals than ${currency} allows (${exponent})`);
  }
  const minor = Number(`${whole}${kept}`);
  if (!Number.isSafeInteger(minor)) throw new MoneyFormatError(`amount out of range: ${text}`);
  return sign === "-" ? -minor : minor;
}

/** Minor units back to the decimal string vendors expect ("12.50"). */
export function toDecimal(amountMinor: number, currency: string): string {
  if (!Number.isSafeInteger(amountMinor))
    throw new MoneyFormatError(`not an integer: ${amountMinor}`);
  const exponent = currencyExponent(currency);
  const sign = amountMinor < 0 ? "-" : "";
  const digits = String(Math.abs(amountMinor)).padStart(exponent + 1, "0");
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

export function money(amount: string | number, currency: string): Money {
  return { amountMinor: toMinor(amount, currency), currency: currency.toUpperCase() };
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new MoneyFormatError(`not a finite amount: ${n}`);
  // JSON numbers such as 12.5 print exactly as written for the magnitudes money takes.
  const text = String(n);
  if (/e/i.test(text)) throw new MoneyFormatError(`amount out of range: ${text}`);
  return text;
}
