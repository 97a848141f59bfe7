import { Worker } from 'node:worker_threads';
import { workerUrl } from '../../shared/worker-url.js';
import type {
  CellRereading,
  ReadRequest,
  TrainingThreadReply,
  TrainingThreadRequest,
  TrainReply,
  TrainRequest,
} from './training-protocol.js';

/**
 * One training thread for one cycle (started by it, ended after it, so a cycle's memory goes back
 * at once): requests go in order, each answered by its reply or by the thread's failure.
 */
export class TrainingThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  constructor(heapMb: number) {
    this.worker = new Worker(workerUrl(import.meta.url, 'training-worker'), {
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    this.worker.on('message', (reply: TrainingThreadReply) => {
      const pending = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.ok) pending?.resolve(reply.result);
      else pending?.reject(new Error(reply.message));
    });
    const failAll = (error: Error) => {
      for (const pending of this.waiting.values()) pending.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', failAll);
    this.worker.on('exit', (code) => failAll(new Error(`the training thread stopped (exit ${code})`)));
  }

  train(request: Omit<TrainRequest, 'kind'>): Promise<TrainReply> {
    return this.send({ kind: 'train', ...request }) as Promise<TrainReply>;
  }

  read(request: Omit<ReadRequest, 'kind'>): Promise<CellRereading[]> {
    return this.send({ kind: 'read', ...request }) as Promise<CellRereading[]>;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private send(request: Omit<TrainingThreadRequest, 'id'>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }
}
