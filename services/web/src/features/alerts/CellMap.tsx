import { fieldName } from '@castor/alert-wording';
import type { Alert, ClaimsPacket, CropRef } from '@castor/contracts';
import { Box, Paper, SimpleGrid, Skeleton, Text } from '@mantine/core';
import { useRef } from 'react';
import { ApiError } from '../../api/http';
import { useObjectUrl } from '../../components/use-object-url';
import { errorMessage, t } from '../../i18n/es-CO';
import { alertFieldsIn } from './alert-fields';
import { type PageImage, usePageImage } from './queries';

interface Cell {
  path: string;
  crop: CropRef;
  highlighted: boolean;
}

interface PageCells {
  key: string;
  formId: number;
  page: number;
  /** The version was read from a stored scan: its page can be shown. */
  scanned: boolean;
  label: string;
  cells: Cell[];
}

const sameSpot = (a: CropRef, b: CropRef) => a.page === b.page && a.x === b.x && a.y === b.y;
const HIGHLIGHT = '#c92a2a';
/** The tallest a page is shown at before it scrolls: a whole E-14 page is three times as tall as wide. */
const PAGE_VIEW_HEIGHT = 560;

/** The pages of the versions the alert names that hold its cells, each with every cell read on it. */
function pagesOf(packet: ClaimsPacket, alert: Alert): PageCells[] {
  const named = new Set([alert.formId, ...alert.evidence.sources.map((source) => source.formId)]);
  const { paths } = alertFieldsIn(packet, alert);
  const versions = packet.versions.some((version) => named.has(version.formId))
    ? packet.versions.filter((version) => named.has(version.formId))
    : packet.versions;
  const pages = new Map<string, PageCells>();
  for (const version of versions) {
    for (const field of version.fields) {
      if (!field.crop) continue;
      const key = `${version.formId}-${field.crop.page}`;
      let page = pages.get(key);
      if (!page) {
        page = {
          key,
          formId: version.formId,
          page: field.crop.page,
          scanned: version.documentHash !== null,
          label: t.alerts.cellsPage(version.source, version.copy, field.crop.page),
          cells: [],
        };
        pages.set(key, page);
      }
      const crop = field.crop;
      page.cells.push({
        path: field.path,
        crop,
        highlighted:
          paths.has(field.path) ||
          alert.evidence.crops.some((cell) => cell.field === field.path || sameSpot(cell.crop, crop)),
      });
    }
  }
  return [...pages.values()]
    .filter((page) => page.cells.some((cell) => cell.highlighted))
    .sort((a, b) => a.formId - b.formId || a.page - b.page);
}

/** The page as scanned, with a box on each of the alert's cells, scrolled to the first of them. */
function ScannedPage({ page, image, url }: { page: PageCells; image: PageImage; url: string }) {
  const view = useRef<HTMLDivElement>(null);
  const highlighted = page.cells.filter((cell) => cell.highlighted);
  const share = (value: number, of: number) => `${(value / of) * 100}%`;
  const scrollToFirstCell = (loaded: HTMLImageElement) => {
    const top = Math.min(...highlighted.map((cell) => cell.crop.y));
    if (view.current) view.current.scrollTop = (top / image.height) * loaded.clientHeight - PAGE_VIEW_HEIGHT / 4;
  };
  return (
    <Box
      ref={view}
      tabIndex={0}
      aria-label={t.alerts.pageScroll(page.label)}
      style={{ maxHeight: PAGE_VIEW_HEIGHT, overflowY: 'auto', border: '1px solid var(--mantine-color-gray-4)' }}
    >
      <Box pos="relative">
        <img
          src={url}
          alt={t.alerts.pageAlt(page.label, highlighted.map((cell) => fieldName(cell.path)).join(', '))}
          onLoad={(event) => scrollToFirstCell(event.currentTarget)}
          style={{ display: 'block', width: '100%', height: 'auto' }}
        />
        {highlighted.map((cell) => (
          <Box
            key={`${cell.path}-${cell.crop.x}-${cell.crop.y}`}
            data-testid="highlighted-cell"
            title={fieldName(cell.path)}
            pos="absolute"
            style={{
              left: share(cell.crop.x, image.width),
              top: share(cell.crop.y, image.height),
              width: share(cell.crop.width, image.width),
              height: share(cell.crop.height, image.height),
              border: `3px solid ${HIGHLIGHT}`,
              background: 'rgba(201, 42, 42, 0.12)',
              pointerEvents: 'none',
            }}
          />
        ))}
      </Box>
    </Box>
  );
}

/** Where the cells sit when there is no page to show: their outlines, the alert's in red. */
function CellOutlines({ page }: { page: PageCells }) {
  const width = Math.max(...page.cells.map((cell) => cell.crop.x + cell.crop.width)) * 1.05;
  const height = Math.max(...page.cells.map((cell) => cell.crop.y + cell.crop.height)) * 1.05;
  const highlighted = page.cells.filter((cell) => cell.highlighted).map((cell) => fieldName(cell.path));
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={t.alerts.cellsLabel(highlighted.join(', '))}
      style={{ width: '100%', maxHeight: 360, background: 'white', border: '1px solid #ccc' }}
    >
      {page.cells.map((cell) => (
        <rect
          key={`${cell.path}-${cell.crop.x}-${cell.crop.y}`}
          x={cell.crop.x}
          y={cell.crop.y}
          width={cell.crop.width}
          height={cell.crop.height}
          fill={cell.highlighted ? 'rgba(201, 42, 42, 0.35)' : 'rgba(134, 142, 150, 0.15)'}
          stroke={cell.highlighted ? HIGHLIGHT : '#adb5bd'}
          strokeWidth={cell.highlighted ? Math.max(width / 200, 2) : Math.max(width / 800, 1)}
        >
          <title>{fieldName(cell.path)}</title>
        </rect>
      ))}
    </svg>
  );
}

/** One page: the scan with the alert's cells boxed, or, with no scan to show, the cells' outlines and why. */
function PageView({ page }: { page: PageCells }) {
  const image = usePageImage(page.formId, page.page, page.scanned);
  const url = useObjectUrl(image.data?.blob);
  const highlighted = page.cells.filter((cell) => cell.highlighted).map((cell) => fieldName(cell.path));
  let why: string | null = null;
  if (!page.scanned) why = t.alerts.noScan;
  else if (image.error) why = image.error instanceof ApiError ? errorMessage(image.error.code) : t.alerts.pageFailed;
  return (
    <Paper withBorder p="xs">
      <Text size="xs" fw={500} mb={4}>
        {page.label}
      </Text>
      {image.data && url ? (
        <ScannedPage page={page} image={image.data} url={url} />
      ) : page.scanned && !image.error ? (
        <Skeleton height={PAGE_VIEW_HEIGHT / 2} />
      ) : (
        <CellOutlines page={page} />
      )}
      <Text size="xs" mt={4}>
        {t.alerts.cellsLabel(highlighted.join(', '))}
      </Text>
      {why && <Text size="xs">{why}</Text>}
    </Paper>
  );
}

/** The alert's cells on the pages of the versions it names: on the scanned page where there is one. */
export function CellMap({ packet, alert }: { packet: ClaimsPacket; alert: Alert }) {
  const pages = pagesOf(packet, alert);
  if (pages.length === 0) return <Text size="sm">{t.alerts.noCells}</Text>;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      {pages.map((page) => (
        <PageView key={page.key} page={page} />
      ))}
    </SimpleGrid>
  );
}
