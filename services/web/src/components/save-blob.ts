/** Hands a Blob to the browser as a file download, the way a link with `download` does. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file by the time a minute has passed, even on a slow disk.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
