import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type CalibrationTable, IDENTITY_CALIBRATION } from './calibration.js';
import { FEATURE_LENGTH } from './features.js';
import { type DenseLayer, type Network, scaleInputs } from './network.js';

/** The digits a cell is written with, the first classes of every model. */
export const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export type Digit = (typeof DIGITS)[number];

/**
 * What the classifier tells apart. 'blank' is ink to ignore (specks, remains of a ruling line);
 * 'reject' is ink that is not one whole glyph (half of a digit cut by segmentation, or two digits
 * stuck together): a cell holding one cannot be read with confidence.
 */
export const GLYPH_CLASSES = [...DIGITS, 'dot', 'dash', 'blank', 'reject'] as const;
export type GlyphClass = (typeof GLYPH_CLASSES)[number];

export const MODEL_FORMAT = 'castor-digit-mlp';

/** Which features a model was trained on; bump when features.ts changes meaning. */
export const FEATURE_SPEC = 'pixels16+directions8x4x4+geometry10/v3';

const base64Floats = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

const layerSchema = z.object({
  inputs: z.number().int().min(1),
  outputs: z.number().int().min(1),
  weights: base64Floats,
  bias: base64Floats,
});

const countsSchema = z.record(z.string(), z.number().int().min(0));

export const modelMetadataSchema = z.object({
  version: z.number().int().min(1),
  kind: z.enum(['handwritten', 'printed']),
  createdAt: z.string(),
  seed: z.string(),
  classes: z.array(z.string()).min(2),
  featureSpec: z.string(),
  featureLength: z.number().int().min(1),
  hiddenLayers: z.array(z.number().int().min(1)),
  training: z.object({
    description: z.string(),
    samples: z.number().int().min(0),
    perSource: countsSchema,
    perClass: countsSchema,
    epochs: z.number().int().min(1),
    seconds: z.number().min(0),
    heldOutFaces: z.array(z.string()),
  }),
  evaluation: z.record(z.string(), z.unknown()),
});
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

export const modelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  metadata: modelMetadataSchema,
  /** Per-feature scaling x' = x · scale applied before the first layer (zeros stay zeros). */
  inputScale: base64Floats,
  layers: z.array(layerSchema).min(1),
  calibration: z.object({ raw: z.array(z.number()), calibrated: z.array(z.number().min(0).max(1)) }),
});
export type ModelFile = z.infer<typeof modelFileSchema>;

/** A trained classifier with everything needed to use and describe it. */
export interface DigitModel {
  metadata: ModelMetadata;
  /** Weights as trained (on scaled features). */
  network: Network;
  inputScale: Float32Array;
  calibration: CalibrationTable;
  /** The same network with the input scaling folded into its first layer, for inference. */
  inference: Network;
}

/** Float32 values as little-endian base64, whatever the platform's byte order. */
export function encodeFloats(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
  return Buffer.from(bytes).toString('base64');
}

export function decodeFloats(text: string, expectedLength: number, what: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== expectedLength * 4) {
    throw new Error(`${what}: expected ${expectedLength} floats, found ${bytes.length / 4}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(expectedLength);
  for (let i = 0; i < expectedLength; i++) values[i] = view.getFloat32(i * 4, true);
  if (values.some((value) => !Number.isFinite(value))) throw new Error(`${what}: holds a non-finite number`);
  return values;
}

export function createDigitModel(
  metadata: ModelMetadata,
  network: Network,
  inputScale: Float32Array,
  calibration: CalibrationTable = IDENTITY_CALIBRATION,
): DigitModel {
  return { metadata, network, inputScale, calibration, inference: scaleInputs(network, inputScale) };
}

export function serializeModel(model: DigitModel): string {
  const file: ModelFile = {
    format: MODEL_FORMAT,
    metadata: model.metadata,
    inputScale: encodeFloats(model.inputScale),
    layers: model.network.layers.map((layer) => ({
      inputs: layer.inputs,
      outputs: layer.outputs,
      weights: encodeFloats(layer.weights),
      bias: encodeFloats(layer.bias),
    })),
    calibration: model.calibration,
  };
  return `${JSON.stringify(file)}\n`;
}

/** Validates and decodes a model file's JSON. Throws with the reason when it is not a usable model. */
export function parseModel(json: unknown): DigitModel {
  const file = modelFileSchema.parse(json);
  const { metadata } = file;
  if (metadata.featureSpec !== FEATURE_SPEC || metadata.featureLength !== FEATURE_LENGTH) {
    throw new Error(
      `model v${metadata.version} was trained on features ${metadata.featureSpec} (${metadata.featureLength}); this code computes ${FEATURE_SPEC} (${FEATURE_LENGTH})`,
    );
  }
  const layers = file.layers.map((layer, l) => ({
    inputs: layer.inputs,
    outputs: layer.outputs,
    weights: decodeFloats(layer.weights, layer.inputs * layer.outputs, `layer ${l} weights`),
    bias: decodeFloats(layer.bias, layer.outputs, `layer ${l} bias`),
  }));
  layers.forEach((layer, l) => {
    const expectedInputs = l === 0 ? metadata.featureLength : (layers[l - 1] as DenseLayer).outputs;
    if (layer.inputs !== expectedInputs)
      throw new Error(`layer ${l} takes ${layer.inputs} inputs, expected ${expectedInputs}`);
  });
  const classCount = metadata.classes.length;
  if ((layers[layers.length - 1] as DenseLayer).outputs !== classCount + 1) {
    throw new Error(`the last layer must give ${classCount} class logits and the over-writing logit`);
  }
  const { raw, calibrated } = file.calibration;
  if (raw.length !== calibrated.length) throw new Error('calibration table columns differ in length');
  return createDigitModel(
    metadata,
    { layers, classCount },
    decodeFloats(file.inputScale, metadata.featureLength, 'inputScale'),
    { raw, calibrated },
  );
}

export const MODELS_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', 'models');

/** File name of a model version: models/digits-v3.json, models/printed-v1.json. */
export function modelFileName(kind: ModelMetadata['kind'], version: number): string {
  return `${kind === 'handwritten' ? 'digits' : 'printed'}-v${version}.json`;
}

/** Highest version of a kind present in a directory, or 0 when there is none. */
export function latestModelVersion(kind: ModelMetadata['kind'], directory = MODELS_DIRECTORY): number {
  const prefix = kind === 'handwritten' ? 'digits' : 'printed';
  const pattern = new RegExp(`^${prefix}-v(\\d+)\\.json$`);
  let latest = 0;
  for (const name of readdirSync(directory)) {
    const match = pattern.exec(name);
    if (match) latest = Math.max(latest, Number(match[1]));
  }
  return latest;
}

export async function saveModel(model: DigitModel, path: string): Promise<void> {
  await writeFile(path, serializeModel(model));
}

export async function loadModelFile(path: string): Promise<DigitModel> {
  return parseModel(JSON.parse(await readFile(path, 'utf8')));
}

const loaded = new Map<string, Promise<DigitModel>>();

/**
 * How the jurados of a form write its values, as the published sheets show it: `dots` fill unused
 * boxes and zero rows with dots or leave them blank (the second-round 2026 sheets, the generic
 * forms); `first-round-2026` also writes zeros, slashed zeros 'Ø', crossed-out zeros and X marks,
 * and 1s with a long lead-in (the first-round 2026 Presidente sheets).
 */
export const HANDWRITINGS = ['dots', 'first-round-2026'] as const;
export type Handwriting = (typeof HANDWRITINGS)[number];

/**
 * The handwritten-digit model each way of writing is read with: the version that did best on those
 * forms through the whole service (packages/digit-recognizer-training/README.md, "Which model reads
 * which form"). v4 was trained on the first-round habits and reads those sheets far better; on
 * the dot-filled forms it is no better than v3 and makes more confident mistakes.
 */
export const MODEL_FOR_HANDWRITING: Readonly<Record<Handwriting, number>> = { dots: 3, 'first-round-2026': 4 };

/**
 * A committed model, loaded once per process: the one for a way of writing (`handwriting`), else
 * the highest version in models/ of the kind asked (handwritten digits by default). Pass a path
 * to load another file.
 */
export function loadModel(
  options: { kind?: ModelMetadata['kind']; handwriting?: Handwriting; path?: string } = {},
): Promise<DigitModel> {
  const kind = options.kind ?? 'handwritten';
  const version = options.handwriting ? MODEL_FOR_HANDWRITING[options.handwriting] : latestModelVersion(kind);
  const path = options.path ?? join(MODELS_DIRECTORY, modelFileName(kind, version));
  let model = loaded.get(path);
  if (!model) {
    model = loadModelFile(path);
    loaded.set(path, model);
    model.catch(() => loaded.delete(path));
  }
  return model;
}
