import type { RagChatAnswer, RagChatMessage, RagConversation } from '@castor/contracts';
import { withTransaction } from '@castor/service-kit';
import type pg from 'pg';

/** What an answer keeps in the history beside its text. */
type StoredAnswer = Pick<RagChatAnswer, 'found' | 'claims' | 'citations' | 'answeredBy'>;

const TITLE_CHARACTERS = 80;

/** The chat history in dashboard_db; every read and write names the owner, so nobody reads another's. */
export class ChatRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** The conversation's previous messages when the user owns it; undefined when it is not theirs or does not exist. */
  async conversation(id: string, ownerId: string): Promise<RagConversation | undefined> {
    const { rows } = await this.pool.query<{ title: string }>(
      'SELECT title FROM chat_conversations WHERE id = $1 AND owner_id = $2',
      [id, ownerId],
    );
    const conversation = rows[0];
    if (!conversation) return undefined;
    const messages = await this.pool.query<{
      id: string;
      role: 'user' | 'assistant';
      text: string;
      answer: StoredAnswer | null;
      createdAt: Date;
    }>(
      `SELECT id, role, text, answer, created_at AS "createdAt" FROM chat_messages
        WHERE conversation_id = $1 ORDER BY created_at, role DESC`,
      [id],
    );
    return {
      id,
      title: conversation.title,
      messages: messages.rows.map((row): RagChatMessage => {
        const createdAt = row.createdAt.toISOString();
        if (row.role === 'user' || row.answer === null) return { id: row.id, role: 'user', text: row.text, createdAt };
        return { id: row.id, role: 'assistant', text: row.text, ...row.answer, createdAt };
      }),
    };
  }

  async conversations(ownerId: string) {
    const { rows } = await this.pool.query<{ id: string; title: string; messages: number; updatedAt: Date }>(
      `SELECT c.id, c.title, c.updated_at AS "updatedAt",
              (SELECT count(*)::int FROM chat_messages m WHERE m.conversation_id = c.id) AS messages
         FROM chat_conversations c WHERE c.owner_id = $1 ORDER BY c.updated_at DESC LIMIT 200`,
      [ownerId],
    );
    return rows.map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() }));
  }

  /**
   * Stores a question and its answer, in the named conversation (which must still be the owner's)
   * or in a new one titled by the question; one transaction, so the history never holds a question
   * without its answer. Returns the conversation's id, or undefined when it is not the owner's.
   */
  async saveExchange(exchange: {
    conversationId: string | undefined;
    ownerId: string;
    question: { id: string; text: string; at: Date };
    answer: { id: string; text: string; at: Date } & StoredAnswer;
  }): Promise<string | undefined> {
    const { conversationId, ownerId, question, answer } = exchange;
    return withTransaction(this.pool, async (client) => {
      let id = conversationId;
      if (id === undefined) {
        const title =
          question.text.length > TITLE_CHARACTERS ? `${question.text.slice(0, TITLE_CHARACTERS - 1)}…` : question.text;
        const created = await client.query<{ id: string }>(
          'INSERT INTO chat_conversations (owner_id, title) VALUES ($1, $2) RETURNING id',
          [ownerId, title],
        );
        id = created.rows[0]?.id as string;
      } else {
        const { rowCount } = await client.query(
          'UPDATE chat_conversations SET updated_at = now() WHERE id = $1 AND owner_id = $2',
          [id, ownerId],
        );
        if (rowCount === 0) return undefined;
      }
      const { text: answerText, id: answerId, at: answeredAt, ...stored } = answer;
      await client.query(
        `INSERT INTO chat_messages (id, conversation_id, role, text, answer, created_at)
         VALUES ($1, $3, 'user', $2, NULL, $4), ($5, $3, 'assistant', $6, $7, $8)`,
        [question.id, question.text, id, question.at, answerId, answerText, JSON.stringify(stored), answeredAt],
      );
      return id;
    });
  }
}
