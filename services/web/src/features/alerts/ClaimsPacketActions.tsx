import type { ClaimsPacket } from '@castor/contracts';
import { Button, Group } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { ErrorMessage } from '../../components/ErrorMessage';
import { saveBlob } from '../../components/save-blob';
import { t } from '../../i18n/es-CO';
import { fetchClaimsFile } from './queries';

type PacketAction = 'json' | 'html' | 'print';

/**
 * The claims packet a lawyer takes to the escrutinio, fetched fresh from the API with the session
 * (it needs the bearer token, so a plain link would not do): the JSON original, machine-verifiable;
 * the printable HTML as a file; or that HTML opened in a tab, to print.
 */
export function ClaimsPacketActions({ packet }: { packet: ClaimsPacket }) {
  const fetchFile = useMutation({
    mutationFn: async (action: PacketAction) => {
      const format = action === 'json' ? 'json' : 'html';
      const blob = await fetchClaimsFile(packet, format);
      if (action === 'print') {
        window.open(URL.createObjectURL(blob), '_blank', 'noopener');
        return;
      }
      saveBlob(blob, `reclamacion-${packet.electionCode}-${packet.corporation}-mesa-${packet.mesa.key}.${format}`);
    },
  });
  const busy = (action: PacketAction) => fetchFile.isPending && fetchFile.variables === action;
  return (
    <>
      <Group gap="xs">
        <Button size="xs" loading={busy('json')} onClick={() => fetchFile.mutate('json')}>
          {t.alerts.downloadJson}
        </Button>
        <Button size="xs" variant="default" loading={busy('html')} onClick={() => fetchFile.mutate('html')}>
          {t.alerts.downloadHtml}
        </Button>
        <Button size="xs" variant="default" loading={busy('print')} onClick={() => fetchFile.mutate('print')}>
          {t.alerts.print}
        </Button>
      </Group>
      {fetchFile.isError && <ErrorMessage error={fetchFile.error} />}
    </>
  );
}
