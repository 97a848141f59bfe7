import type { RagChatAnswer, RagCitation, RagClaim, RagConversation } from '@castor/contracts';
import {
  Alert,
  Button,
  Drawer,
  Grid,
  Group,
  Loader,
  NavLink,
  Paper,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { documentsApi } from '../../api/documents';
import { formatDateTime } from '../../components/conversation-format';
import { ErrorMessage } from '../../components/ErrorMessage';
import { t } from '../../i18n/es-CO';

const HISTORY_KEY = ['dashboard', 'chat-history'] as const;

type Answerer = RagChatAnswer['answeredBy'];

/** One turn on screen: a question, or an answer (still streaming until `answeredBy` is known). */
type Turn =
  | { key: string; role: 'user'; text: string }
  | {
      key: string;
      role: 'assistant';
      claims: RagClaim[];
      /** Every passage the answer may cite, by chunk id (the streamed `citations` event, then the answer's). */
      citations: ReadonlyMap<string, RagCitation>;
      found: boolean | null;
      answeredBy: Answerer | null;
      retrieved: number | null;
    };
type AnswerTurn = Extract<Turn, { role: 'assistant' }>;

const byChunk = (citations: readonly RagCitation[]) =>
  new Map(citations.map((citation): [string, RagCitation] => [citation.chunkId, citation]));

function turnsOf(conversation: RagConversation): Turn[] {
  return conversation.messages.map((message) =>
    message.role === 'user'
      ? { key: message.id, role: 'user', text: message.text }
      : {
          key: message.id,
          role: 'assistant',
          claims: message.claims,
          citations: byChunk(message.citations),
          found: message.found,
          answeredBy: message.answeredBy,
          retrieved: null,
        },
  );
}

/** The passages an answer cites, numbered in the order its claims first cite them (as the API lists them). */
function citedInOrder(turn: AnswerTurn): RagCitation[] {
  const ids = [...new Set(turn.claims.flatMap((claim) => claim.chunkIds))];
  return ids.flatMap((id) => {
    const citation = turn.citations.get(id);
    return citation ? [citation] : [];
  });
}

function pagesOf(start: number | null, end: number | null): string | null {
  return start === null ? null : t.chat.pages(start, end ?? start);
}

function AnswerView({ turn, onOpen }: { turn: AnswerTurn; onOpen: (chunkId: string) => void }) {
  const cited = citedInOrder(turn);
  const number = new Map(cited.map((citation, index) => [citation.chunkId, index + 1]));
  if (turn.found === false) {
    return (
      <Alert color="gray" variant="light" data-testid="chat-not-found">
        <Text size="sm" fw={700}>
          {t.chat.notFound}
        </Text>
        <Text size="sm">{t.chat.notFoundHint}</Text>
        {turn.answeredBy?.offline && <Text size="xs">{t.chat.offline}</Text>}
      </Alert>
    );
  }
  return (
    <Stack gap="xs">
      {turn.answeredBy?.offline && (
        <Alert color="yellow" variant="light" p="xs" role="note" data-testid="chat-offline">
          <Text size="xs">{t.chat.offline}</Text>
        </Alert>
      )}
      {turn.claims.map((claim, index) => (
        // Claims only ever append while streaming: the index is stable.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <Text size="sm" key={index} data-testid="chat-claim">
          {claim.text}{' '}
          {claim.chunkIds.map((chunkId) => {
            const citation = turn.citations.get(chunkId);
            const n = number.get(chunkId) ?? 0;
            return (
              <Button
                key={chunkId}
                variant="light"
                size="compact-xs"
                mx={2}
                aria-label={t.chat.citation(n, citation?.documentTitle ?? '')}
                onClick={() => onOpen(chunkId)}
              >
                [{n}]
              </Button>
            );
          })}
        </Text>
      ))}
      {turn.answeredBy === null && (
        <Group gap="xs">
          <Loader size="xs" />
          <Text size="xs">{turn.retrieved === null ? t.chat.asking : t.chat.passagesFound(turn.retrieved)}</Text>
        </Group>
      )}
      {cited.length > 0 && turn.answeredBy !== null && (
        <Stack gap={2}>
          <Text size="xs" fw={700}>
            {t.chat.sourcesTitle}
          </Text>
          {cited.map((citation, index) => (
            <Text size="xs" key={citation.chunkId}>
              [{index + 1}] {citation.documentTitle}
              {citation.sectionLabel && ` › ${citation.sectionLabel}`}
              {pagesOf(citation.pageStart, citation.pageEnd) && ` · ${pagesOf(citation.pageStart, citation.pageEnd)}`}
            </Text>
          ))}
        </Stack>
      )}
      {turn.answeredBy && !turn.answeredBy.offline && (
        <Text size="xs">{t.chat.answeredBy(turn.answeredBy.provider, turn.answeredBy.model)}</Text>
      )}
    </Stack>
  );
}

/** The whole passage a citation names: its document, section and pages, and what comes before and after it. */
function SourcePanel({
  chunkId,
  onClose,
  onOpen,
}: {
  chunkId: string | null;
  onClose: () => void;
  onOpen: (id: string) => void;
}) {
  const source = useQuery({
    queryKey: ['dashboard', 'rag-source', chunkId],
    queryFn: () => documentsApi.source(chunkId as string),
    enabled: chunkId !== null,
  });
  const data = source.data;
  return (
    <Drawer
      opened={chunkId !== null}
      onClose={onClose}
      position="right"
      size="md"
      title={t.chat.panelTitle}
      closeButtonProps={{ 'aria-label': t.chat.close }}
    >
      {source.isPending && <Loader size="sm" />}
      {source.isError && <ErrorMessage error={source.error} />}
      {data && (
        <Stack gap="sm" data-testid="chat-source">
          <Text size="sm" fw={700}>
            {t.chat.document(data.document.title)}
          </Text>
          <Text size="sm">{data.sectionLabel ? t.chat.section(data.sectionLabel) : t.chat.noSection}</Text>
          {pagesOf(data.pageStart, data.pageEnd) && <Text size="sm">{pagesOf(data.pageStart, data.pageEnd)}</Text>}
          <Paper withBorder p="sm" radius="sm">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="chat-source-text">
              {data.text}
            </Text>
          </Paper>
          <Group gap="xs">
            {data.neighbours.previous && (
              <Button size="xs" variant="default" onClick={() => onOpen(data.neighbours.previous?.id as string)}>
                {t.chat.previous}
              </Button>
            )}
            {data.neighbours.next && (
              <Button size="xs" variant="default" onClick={() => onOpen(data.neighbours.next?.id as string)}>
                {t.chat.next}
              </Button>
            )}
          </Group>
        </Stack>
      )}
    </Drawer>
  );
}

/** The person's own conversations, newest first; one opens with its questions and answers. */
function HistoryPanel({
  current,
  onOpen,
  onNew,
}: {
  current: string | null;
  onOpen: (id: string) => void;
  onNew: () => void;
}) {
  const history = useQuery({ queryKey: HISTORY_KEY, queryFn: documentsApi.conversations });
  return (
    <Paper withBorder p="sm" radius="md" component="nav" aria-labelledby="chat-history-title">
      <Stack gap="xs">
        <Title order={3} size="h5" id="chat-history-title">
          {t.chat.historyTitle}
        </Title>
        <Button size="xs" variant="default" onClick={onNew}>
          {t.chat.newConversation}
        </Button>
        {history.isError && <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />}
        {history.data?.length === 0 && <Text size="xs">{t.chat.noHistory}</Text>}
        {history.data?.map((conversation) => (
          <NavLink
            key={conversation.id}
            component="button"
            active={conversation.id === current}
            label={
              // One text color for both lines: Mantine's dimmed description is too faint on the active row.
              <>
                <Text size="sm">{conversation.title}</Text>
                <Text size="xs">
                  {formatDateTime(conversation.updatedAt)} · {t.chat.messages(conversation.messages)}
                </Text>
              </>
            }
            onClick={() => onOpen(conversation.id)}
          />
        ))}
      </Stack>
    </Paper>
  );
}

/** Questions answered from the campaign's documents, streamed in, every claim with the passages it rests on. */
export default function ChatPage() {
  const queryClient = useQueryClient();
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [question, setQuestion] = useState('');
  const [asking, setAsking] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [openChunk, setOpenChunk] = useState<string | null>(null);
  const inFlight = useRef<AbortController | null>(null);
  const nextKey = useRef(0);
  useEffect(() => () => inFlight.current?.abort(), []);

  const openConversation = async (id: string) => {
    inFlight.current?.abort();
    setFailure(null);
    try {
      const conversation = await queryClient.fetchQuery({
        queryKey: ['dashboard', 'chat-conversation', id],
        queryFn: () => documentsApi.conversation(id),
      });
      setConversationId(id);
      setTurns(turnsOf(conversation));
    } catch (error) {
      setFailure(error);
    }
  };
  const startNew = () => {
    inFlight.current?.abort();
    setConversationId(null);
    setTurns([]);
    setFailure(null);
  };

  const ask = async (event: { preventDefault(): void }) => {
    event.preventDefault();
    const text = question.trim();
    if (text === '' || asking) return;
    const controller = new AbortController();
    inFlight.current = controller;
    const key = String(nextKey.current++);
    const answerKey = `${key}-answer`;
    const update = (change: (turn: AnswerTurn) => AnswerTurn) =>
      setTurns((current) =>
        current.map((turn) => (turn.key === answerKey && turn.role === 'assistant' ? change(turn) : turn)),
      );
    setTurns((current) => [
      ...current,
      { key, role: 'user', text },
      {
        key: answerKey,
        role: 'assistant',
        claims: [],
        citations: new Map(),
        found: null,
        answeredBy: null,
        retrieved: null,
      },
    ]);
    setQuestion('');
    setFailure(null);
    setAsking(true);
    try {
      const body = { question: text, ...(conversationId ? { conversationId } : {}) };
      for await (const streamed of documentsApi.ask(body, controller.signal)) {
        if (streamed.event === 'citations') {
          const citations = byChunk(streamed.citations);
          update((turn) => ({ ...turn, citations, retrieved: citations.size }));
        } else if (streamed.event === 'claim') {
          update((turn) => ({ ...turn, claims: [...turn.claims, streamed.claim] }));
        } else {
          const { answer } = streamed;
          update((turn) => ({
            ...turn,
            claims: answer.claims,
            citations: new Map([...turn.citations, ...byChunk(answer.citations)]),
            found: answer.found,
            answeredBy: answer.answeredBy,
          }));
          setConversationId(answer.conversationId);
          void queryClient.invalidateQueries({ queryKey: HISTORY_KEY });
        }
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      setTurns((current) => current.filter((turn) => turn.key !== answerKey));
      setFailure(error);
    } finally {
      if (inFlight.current === controller) {
        inFlight.current = null;
        setAsking(false);
      }
    }
  };

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{t.chat.title}</Title>
        <Text size="sm">{t.chat.intro}</Text>
      </div>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 4, lg: 3 }} order={{ base: 2, md: 1 }}>
          <HistoryPanel current={conversationId} onOpen={(id) => void openConversation(id)} onNew={startNew} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8, lg: 9 }} order={{ base: 1, md: 2 }}>
          <Stack gap="md">
            <section aria-label={t.chat.title} aria-live="polite" aria-busy={asking}>
              <Stack gap="md">
                {turns.map((turn) =>
                  turn.role === 'user' ? (
                    <Paper key={turn.key} p="sm" radius="md" bg="gray.1" data-testid="chat-question">
                      <Text size="xs" fw={700}>
                        {t.chat.you}
                      </Text>
                      <Text size="sm">{turn.text}</Text>
                    </Paper>
                  ) : (
                    <Paper key={turn.key} withBorder p="sm" radius="md" data-testid="chat-answer">
                      <Text size="xs" fw={700} mb={4}>
                        {t.chat.assistant}
                      </Text>
                      <AnswerView turn={turn} onOpen={setOpenChunk} />
                    </Paper>
                  ),
                )}
              </Stack>
            </section>
            {failure != null && <ErrorMessage error={failure} />}
            <form onSubmit={(event) => void ask(event)}>
              <Stack gap="xs">
                <Textarea
                  label={t.chat.question}
                  placeholder={t.chat.questionPlaceholder}
                  value={question}
                  onChange={(event) => setQuestion(event.currentTarget.value)}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' && !event.shiftKey) void ask(event);
                  }}
                  autosize
                  minRows={2}
                  maxLength={1_000}
                />
                <Button type="submit" w="fit-content" loading={asking} disabled={question.trim() === ''}>
                  {t.chat.ask}
                </Button>
              </Stack>
            </form>
          </Stack>
        </Grid.Col>
      </Grid>
      <SourcePanel chunkId={openChunk} onClose={() => setOpenChunk(null)} onOpen={setOpenChunk} />
    </Stack>
  );
}
