import type { Alert, ClaimsPacket, CropRef } from '@castor/contracts';
import { Paper, SimpleGrid, Text } from '@mantine/core';
import { t } from '../../i18n/es-CO';

interface Cell {
  path: string;
  crop: CropRef;
  highlighted: boolean;
}

interface PageCells {
  key: string;
  label: string;
  cells: Cell[];
}

const sameSpot = (a: CropRef, b: CropRef) => a.page === b.page && a.x === b.x && a.y === b.y;

/**
 * The pages of the versions the alert names, each as the cells read on it: the API gives every
 * cell's position (its crop) but no route to the page image, so the page is drawn from them.
 */
function pagesOf(packet: ClaimsPacket, alert: Alert): PageCells[] {
  const named = new Set([alert.formId, ...alert.evidence.sources.map((source) => source.formId)]);
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
        page = { key, label: t.alerts.cellsPage(`${version.source} · ${version.copy}`, field.crop.page), cells: [] };
        pages.set(key, page);
      }
      const crop = field.crop;
      page.cells.push({
        path: field.path,
        crop,
        highlighted:
          alert.evidence.fields.includes(field.path) ||
          alert.evidence.crops.some((cell) => cell.field === field.path || sameSpot(cell.crop, crop)),
      });
    }
  }
  return [...pages.values()].filter((page) => page.cells.some((cell) => cell.highlighted));
}

/** Where the alert's cells sit on the sheet, highlighted among the other cells read. */
export function CellMap({ packet, alert }: { packet: ClaimsPacket; alert: Alert }) {
  const pages = pagesOf(packet, alert);
  if (pages.length === 0) return <Text size="sm">{t.alerts.noCells}</Text>;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
      {pages.map((page) => {
        const width = Math.max(...page.cells.map((cell) => cell.crop.x + cell.crop.width)) * 1.05;
        const height = Math.max(...page.cells.map((cell) => cell.crop.y + cell.crop.height)) * 1.05;
        const highlighted = page.cells.filter((cell) => cell.highlighted).map((cell) => cell.path);
        return (
          <Paper key={page.key} withBorder p="xs">
            <Text size="xs" fw={500} mb={4}>
              {page.label}
            </Text>
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
                  stroke={cell.highlighted ? '#c92a2a' : '#adb5bd'}
                  strokeWidth={cell.highlighted ? Math.max(width / 200, 2) : Math.max(width / 800, 1)}
                >
                  <title>{cell.path}</title>
                </rect>
              ))}
            </svg>
            <Text size="xs" mt={4}>
              {t.alerts.cellsLabel(highlighted.join(', '))}
            </Text>
          </Paper>
        );
      })}
    </SimpleGrid>
  );
}
