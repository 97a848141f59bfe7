import { type DocumentReading, mesaKey } from '@castor/contracts';
import { mesaFromHeader, type SheetReading } from '@castor/e14-sheets';

/** What the sheet prints about itself, as read: the header's mesa codes, the barcode, the transmission code. */
export function printedCodes(sheet: SheetReading): Pick<DocumentReading, 'header' | 'barcode' | 'transmissionCode'> {
  const headerMesa = mesaFromHeader(sheet.header);
  const page = sheet.pages.find((candidate) => candidate.barcode?.digits) ?? sheet.pages[0];
  const barcode = page?.barcode;
  return {
    header: { ...sheet.header, mesaKey: headerMesa.success ? mesaKey(headerMesa.data) : null },
    barcode: barcode
      ? {
          digits: barcode.digits,
          source: barcode.source,
          confidence: barcode.confidence,
          conflict: barcode.conflict,
          copy: barcode.parsed?.copy ?? null,
          page: barcode.parsed?.page ?? null,
          pageCount: barcode.parsed?.pageCount ?? null,
          problems: barcode.check?.problems ?? [],
        }
      : null,
    transmissionCode: sheet.transmissionCode,
  };
}
