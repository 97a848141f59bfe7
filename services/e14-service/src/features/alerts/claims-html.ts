import { fieldName, numberName, alertWording as words } from '@castor/alert-wording';
import type { ClaimsPacket, Copy, MesaStatus } from '@castor/contracts';

const escapeHtml = (value: unknown) =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

const table = (headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>) =>
  `<table><thead><tr>${headers.map((header) => `<th>${escapeHtml(header)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

const count = new Intl.NumberFormat('es-CO', { maximumFractionDigits: 4 });

/** Where a version came from in Spanish; a source without a name as it is. */
const sourceName = (source: string) => words.sources[source] ?? source;

/** A form's or mesa's status in Spanish; a status without a name as it is. */
const statusName = (status: string) => words.mesaStatuses[status as MesaStatus] ?? status;

/** An alert's numbers in words: "Datos que difieren: 2 · Copias comparadas: 3". */
const numbersText = (numbers: Record<string, number | null>) =>
  Object.entries(numbers)
    .map(([name, value]) => `${numberName(name)}: ${value === null ? '—' : count.format(value)}`)
    .join(' · ');

const versionLabel = (version: { source: string; copy: Copy; version: number }) =>
  `${sourceName(version.source)} · ${words.copies[version.copy]} · versión ${version.version}`;

/**
 * The claims packet as a printable page (Spanish, for the lawyer filing the reclamación). Print
 * it to PDF from any browser; the JSON form is the machine-verifiable original.
 */
export function claimsPacketHtml(packet: ClaimsPacket): string {
  const { mesa } = packet;
  const numberKeys = [...new Set(packet.versions.flatMap((version) => Object.keys(version.numbers)))];
  const sources = [
    ...packet.versions.map((version) => ({
      label: versionLabel(version),
      numbers: version.numbers,
    })),
    ...packet.official.map((row) => ({ label: `Oficial · ${sourceName(row.source)}`, numbers: row.numbers })),
  ];
  return `<!doctype html>
<html lang="es"><head><meta charset="utf-8">
<title>Paquete de reclamación · mesa ${escapeHtml(mesa.key)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; border-bottom: 1px solid #999; }
  table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.5rem 0; }
  th, td { border: 1px solid #bbb; padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; }
  th { background: #eee; } .mono { font-family: ui-monospace, monospace; font-size: 0.75rem; word-break: break-all; }
  @media print { body { margin: 1cm; } h2 { break-after: avoid; } table { break-inside: auto; } }
</style></head><body>
<h1>Paquete de evidencia para reclamación</h1>
<p><b>Una alerta es un indicio para revisar, no una prueba de fraude</b>: señala dónde mirar y con qué evidencia; la reclamación la decide la persona que examina las actas.</p>
<p>${escapeHtml(packet.electionName)} (${escapeHtml(packet.electionCode)}) · ${escapeHtml(packet.corporation)}<br>
Departamento ${escapeHtml(mesa.departamento.code)} ${escapeHtml(mesa.departamento.name)} · Municipio ${escapeHtml(mesa.municipio.code)} ${escapeHtml(mesa.municipio.name)} ·
Zona ${escapeHtml(mesa.zona)} · Puesto ${escapeHtml(mesa.puesto.code)} ${escapeHtml(mesa.puesto.name)} · Mesa ${escapeHtml(mesa.mesa)} · Habilitados ${escapeHtml(mesa.habilitados)}<br>
Generado ${escapeHtml(packet.generatedAt)}</p>
<h2>Resultado reconciliado</h2>
<p>${packet.truth ? `Estado: <b>${escapeHtml(statusName(packet.truth.status))}</b> · formulario elegido ${escapeHtml(packet.truth.formId ?? '—')} · política de reconciliación, versión ${escapeHtml(packet.truth.policyVersion)}` : 'Sin formularios recibidos.'}</p>
<h2>Discrepancias y alertas (${packet.discrepancies.length})</h2>
${table(
  ['#', 'Regla', 'Severidad', 'Estado', 'Descripción', 'Cifras'],
  packet.discrepancies.map((alert) => [
    alert.id,
    `${words.rules[alert.rule]} (${alert.rule}, versión ${alert.ruleVersion})`,
    words.severities[alert.severity],
    words.statuses[alert.status],
    alert.description,
    numbersText(alert.numbers),
  ]),
)}
<h2>Cifras por fuente</h2>
${table(
  ['Dato', ...sources.map((source) => source.label)],
  numberKeys.map((key) => [
    fieldName(key),
    ...sources.map((source) => {
      const value = source.numbers[key];
      return value === undefined || value === null ? '—' : count.format(value);
    }),
  ]),
)}
<h2>Versiones recibidas</h2>
${table(
  ['Formulario', 'Fuente', 'Copia', 'Versión', 'Recibido', 'Estado', 'Huella del contenido', 'Huella del documento'],
  packet.versions.map((version) => [
    version.formId,
    sourceName(version.source),
    words.copies[version.copy],
    version.version,
    version.receivedAt,
    statusName(version.status),
    version.contentHash,
    version.documentHash ?? '—',
  ]),
)}
<h2>Trazabilidad (registro de auditoría encadenado)</h2>
<p>La acción y la entidad de cada entrada se citan tal como quedaron en la cadena, que es lo que su huella verifica.</p>
${table(
  ['#', 'Fecha', 'Quién', 'Acción', 'Entidad', 'Huella'],
  packet.auditTrail.map((entry) => [
    entry.seq,
    entry.at,
    entry.actor,
    entry.action,
    `${entry.entity} ${entry.entityId}`,
    entry.hash,
  ]),
)}
<p class="mono">Cabeza de la cadena: #${escapeHtml(packet.auditHead.seq)} ${escapeHtml(packet.auditHead.hash)}. Cualquier tercero puede verificar la cadena con la exportación de /api/audit/export.</p>
</body></html>`;
}
