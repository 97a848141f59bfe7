/** What `readDocument` returns: the document's text in reading order, grouped under its headings. */

export const DOCUMENT_FORMATS = ['pdf', 'docx', 'markdown', 'text'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

export interface DocumentBlock {
  /** One paragraph, list item or table row, cleaned (single spaces, NFC). */
  text: string;
  /** 1-based page, for PDFs (and plain text split by form feeds); absent where a format has no pages. */
  page?: number;
}

export interface DocumentSection {
  /** Headings from the outermost in: ["Programa de gobierno", "Seguridad", "Cali"]; empty before any heading. */
  headingPath: string[];
  blocks: DocumentBlock[];
}

export interface ParsedDocument {
  format: DocumentFormat;
  title: string;
  /** Pages of a PDF (or of a text with form feeds). */
  pageCount?: number;
  /** In reading order; a section never holds a heading change, and is never empty. */
  sections: DocumentSection[];
}

/**
 * Collects blocks under a stack of headings. A heading of level n closes every open heading of
 * level n or deeper, so skipped levels (h1 then h3) nest as written.
 */
export class SectionBuilder {
  private readonly headings: { level: number; text: string }[] = [];
  private readonly sections: DocumentSection[] = [];
  private current: DocumentSection | undefined;
  private title: { level: number; text: string } | undefined;

  heading(level: number, text: string): void {
    if (!text) return;
    while ((this.headings.at(-1)?.level ?? 0) >= level) this.headings.pop();
    this.headings.push({ level, text });
    this.current = undefined;
    if (!this.title || level < this.title.level) this.title = { level, text };
  }

  block(text: string, page?: number): void {
    if (!text) return;
    if (!this.current) {
      this.current = { headingPath: this.headings.map((heading) => heading.text), blocks: [] };
      this.sections.push(this.current);
    }
    this.current.blocks.push(page === undefined ? { text } : { text, page });
  }

  /** Starts a new section under the same headings (a page break in a document without headings). */
  break(): void {
    this.current = undefined;
  }

  /** The first heading of the shallowest level seen: the document's title when it states none. */
  titleHeading(): string | undefined {
    return this.title?.text;
  }

  build(): DocumentSection[] {
    return this.sections;
  }
}
