/**
 * Multinomial logistic regression over sparse binary features, trained with AdaGrad and L2.
 * Unlike naive Bayes it weighs features against each other: a word that appears in rude and in
 * innocent lines alike ("不能", "系统") gets little weight, while the company it keeps decides.
 * Deterministic: the same examples and options give the same weights (a seeded shuffle).
 */
export interface LinearOptions {
  epochs?: number;
  /** L2 strength per example update. */
  l2?: number;
  /** AdaGrad base step. */
  rate?: number;
  seed?: number;
  /** Features seen in fewer examples than this are left out (rare n-grams: noise, and most of the model's size). */
  minCount?: number;
  /** Per-label example weights (a label whose errors cost more, or that is rarer). */
  labelWeight?: Partial<Record<string, number>>;
}

export interface LinearPrediction<L extends string> {
  label: L;
  confidence: number;
  posterior: Record<L, number>;
}

export class SoftmaxRegression<L extends string> {
  private labels: L[] = [];
  /** Feature → its row in `weights` (k weights per feature, one per label). */
  private ids = new Map<string, number>();
  private weights = new Float64Array(0);
  private bias = new Float64Array(0);

  get labelList(): readonly L[] {
    return this.labels;
  }

  train(examples: { label: L; features: string[]; weight?: number }[], options: LinearOptions = {}): void {
    for (const _ of this.training(examples, options));
  }

  /** Training as steps: yields after each epoch (a caller may pause there); the model is usable when it ends. */
  *training(examples: { label: L; features: string[]; weight?: number }[], options: LinearOptions = {}): Generator<void, void> {
    const { epochs = 6, l2 = 1e-5, rate = 0.3, seed = 7, labelWeight = {}, minCount = 1 } = options;
    this.labels = [...new Set(examples.map((e) => e.label))].sort();
    const k = this.labels.length;
    const index = new Map(this.labels.map((l, i) => [l, i]));
    const ids = new Map<string, number>();
    const seen = new Map<string, number>();
    if (minCount > 1) for (const e of examples) for (const name of new Set(e.features)) seen.set(name, (seen.get(name) ?? 0) + 1);
    const rows: { y: number; f: Int32Array; w: number }[] = [];
    for (const e of examples) {
      const f: number[] = [];
      for (const name of new Set(e.features)) {
        if (minCount > 1 && seen.get(name)! < minCount) continue;
        let id = ids.get(name);
        if (id === undefined) ids.set(name, (id = ids.size));
        f.push(id * k);
      }
      rows.push({ y: index.get(e.label)!, f: Int32Array.from(f), w: (e.weight ?? 1) * (labelWeight[e.label] ?? 1) });
      if (rows.length % 3000 === 0) yield;
    }
    const weights = new Float64Array(ids.size * k);
    const squares = new Float64Array(ids.size * k).fill(1e-8);
    const bias = new Float64Array(k);
    const biasSquares = new Float64Array(k).fill(1e-8);
    const order = rows.map((_, i) => i);
    let state = seed >>> 0 || 1;
    const random = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 4294967296;
    };
    const scores = new Float64Array(k);
    yield;
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const at of order) {
        const { y, f, w } = rows[at];
        for (let c = 0; c < k; c++) {
          let s = bias[c];
          for (let n = 0; n < f.length; n++) s += weights[f[n] + c];
          scores[c] = s;
        }
        softmaxInPlace(scores);
        for (let c = 0; c < k; c++) {
          const g = (scores[c] - (c === y ? 1 : 0)) * w;
          if (g < 1e-4 && g > -1e-4) continue; // settled: nothing to learn for this label
          biasSquares[c] += g * g;
          bias[c] -= (rate * g) / Math.sqrt(biasSquares[c]);
          for (let n = 0; n < f.length; n++) {
            const at = f[n] + c;
            const gw = g + l2 * weights[at];
            squares[at] += gw * gw;
            weights[at] -= (rate * gw) / Math.sqrt(squares[at]);
          }
        }
      }
      if (epoch + 1 < epochs) yield;
    }
    this.ids = ids;
    this.weights = weights;
    this.bias = bias;
  }

  /**
   * The trained model as bytes (its labels and feature names as JSON, then the weights as 32-bit
   * floats), so a process can reuse a model another trained instead of training again.
   */
  toBytes(): Uint8Array {
    const names = [...this.ids.keys()];
    const header = new TextEncoder().encode(JSON.stringify({ labels: this.labels, names, bias: [...this.bias] }));
    const weights = Float32Array.from(this.weights);
    const out = new Uint8Array(4 + header.length + ((4 - (header.length % 4)) % 4) + weights.byteLength);
    new DataView(out.buffer).setUint32(0, header.length, true);
    out.set(header, 4);
    out.set(new Uint8Array(weights.buffer), out.length - weights.byteLength);
    return out;
  }

  /** A model from toBytes(); throws on bytes that are not one. */
  static fromBytes<L extends string>(bytes: Uint8Array): SoftmaxRegression<L> {
    const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
    const { labels, names, bias } = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as { labels: L[]; names: string[]; bias: number[] };
    const start = 4 + length + ((4 - (length % 4)) % 4);
    if ((bytes.length - start) / 4 !== names.length * labels.length) throw new Error('not a saved model: its weights do not match its features');
    // A copy at offset 0 (a Buffer's slice shares its parent's memory, and floats need 4-byte alignment).
    const weights = new Float32Array(Uint8Array.prototype.slice.call(bytes, start).buffer);
    const model = new SoftmaxRegression<L>();
    model.labels = labels;
    model.ids = new Map(names.map((n, i) => [n, i]));
    model.weights = Float64Array.from(weights);
    model.bias = Float64Array.from(bias);
    return model;
  }

  predict(features: string[]): LinearPrediction<L> {
    if (this.labels.length === 0) throw new Error('The model has no examples: add training sentences before classifying');
    const k = this.labels.length;
    const scores = Float64Array.from(this.bias);
    for (const name of new Set(features)) {
      const id = this.ids.get(name);
      if (id !== undefined) for (let c = 0; c < k; c++) scores[c] += this.weights[id * k + c];
    }
    softmaxInPlace(scores);
    const posterior = {} as Record<L, number>;
    let best = 0;
    for (let c = 0; c < k; c++) {
      posterior[this.labels[c]] = scores[c];
      if (scores[c] > scores[best]) best = c;
    }
    return { label: this.labels[best], confidence: scores[best], posterior };
  }
}

function softmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    scores[c] = Math.exp(scores[c] - max);
    sum += scores[c];
  }
  for (let c = 0; c < scores.length; c++) scores[c] /= sum;
}
