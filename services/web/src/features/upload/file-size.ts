const size = new Intl.NumberFormat('es-CO', { maximumFractionDigits: 1 });

/** A file's size as people read it (es-CO): 812 B, 77 KB, 2,4 MB. */
export function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return bytes < 1_048_576 ? `${size.format(bytes / 1024)} KB` : `${size.format(bytes / 1_048_576)} MB`;
}
