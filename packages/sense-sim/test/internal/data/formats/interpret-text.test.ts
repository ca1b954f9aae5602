import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT_SETTINGS, type FormatSettings } from '../../../../src/internal/data/formats/format-settings.js';
import { TextInterpreter } from '../../../../src/internal/data/formats/interpret-text.js';

const US: FormatSettings = {
  ...DEFAULT_FORMAT_SETTINGS,
  decimalSep: '.',
  thousandSep: ',',
  dateFormat: 'YYYY-MM-DD',
  timestampFormat: 'YYYY-MM-DD h:mm:ss[.fff] TT',
  timeFormat: 'h:mm:ss TT',
};
const DE: FormatSettings = { ...US, decimalSep: ',', thousandSep: '.', dateFormat: 'DD.MM.YYYY' };

describe('TextInterpreter (automatic interpretation of loaded text)', () => {
  // Serials worked out by hand: days since 1899-12-30; 2025-01-15 is 45 672, noon is .5.
  it.each([
    ['US', US, '42', 42],
    ['US', US, '-12.5', -12.5],
    ['US', US, '.5', 0.5],
    ['US', US, '1,250.5', 1250.5],
    ['US', US, '1,234,567', 1234567],
    ['US', US, '007', 7],
    ['US', US, '1e3', 1000],
    ['US', US, '2025-01-15', 45672],
    ['US', US, '2025-01-15 12:00:00 PM', 45672.5],
    ['US', US, '6:00:00 AM', 0.25],
    ['DE', DE, '1.250,5', 1250.5],
    ['DE', DE, '12,5', 12.5],
    ['DE', DE, '15.01.2025', 45672],
  ])('%s: %j reads as %d, keeping its text', (_, settings, text, num) => {
    const dual = new TextInterpreter(settings).dual(text);
    expect(dual.text).toBe(text);
    expect(dual.num).toBeCloseTo(num, 9);
  });

  it.each([
    ['C1'],
    ['12,5'], // not a US number: a comma groups by three
    ['1,2345'],
    ['2025-13-01'], // no 13th month
    ['15.01.2025'], // not the US DateFormat
    ['Anna Berg'],
    [''],
    ['1.2.3'],
  ])('US: %j stays text', (text) => {
    expect(Number.isNaN(new TextInterpreter(US).dual(text).num)).toBe(true);
  });

  it('answers a repeated text with the same dual', () => {
    const interpret = new TextInterpreter(US);
    expect(interpret.dual('2025-01-15')).toBe(interpret.dual('2025-01-15'));
  });
});
