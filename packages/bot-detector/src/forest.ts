/**
 * A trained tree ensemble in a flat, JSON-friendly form that scores without any library: each tree
 * is parallel arrays indexed by node, node 0 the root. A node with feature -1 is a leaf. Every node
 * holds a value: at a leaf the tree's prediction there, inside the tree the mean prediction over the
 * training rows that pass through it (the "cover"-weighted expectation TreeSHAP also uses).
 */
export interface FlatTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** Rows go left when `row[feature] < threshold`, as in ml-cart, which trained the trees. */
function leafOf(tree: FlatTree, row: ArrayLike<number>): number {
  let node = 0;
  for (let feature = tree.feature[0] as number; feature >= 0; feature = tree.feature[node] as number) {
    node =
      (row[feature] as number) < (tree.threshold[node] as number)
        ? (tree.left[node] as number)
        : (tree.right[node] as number);
  }
  return node;
}

/** The ensemble's prediction: the mean of the trees' leaf values. */
export function predictForest(trees: readonly FlatTree[], row: ArrayLike<number>): number {
  let sum = 0;
  for (const tree of trees) sum += tree.value[leafOf(tree, row)] as number;
  return sum / trees.length;
}

export interface PathAttribution {
  /** The mean root value: what the ensemble predicts before looking at any feature. */
  bias: number;
  /** Per feature, the summed value changes at the splits on it, averaged over trees. */
  contributions: Float64Array;
  /** bias + the sum of contributions, which is exactly the ensemble's prediction. */
  prediction: number;
}

/**
 * Path attribution (Saabas' method): walking each tree from root to leaf, the change in node value
 * at each split is credited to the feature that split. It is exact (bias plus contributions equals
 * the prediction) and costs one walk per tree; unlike TreeSHAP it credits the feature that happens
 * to split lower in a tree a little more, which is acceptable for "what drove this score".
 */
export function attributeForest(
  trees: readonly FlatTree[],
  row: ArrayLike<number>,
  featureCount: number,
): PathAttribution {
  const contributions = new Float64Array(featureCount);
  let bias = 0;
  let prediction = 0;
  for (const tree of trees) {
    let node = 0;
    bias += tree.value[0] as number;
    for (let feature = tree.feature[0] as number; feature >= 0; feature = tree.feature[node] as number) {
      const child =
        (row[feature] as number) < (tree.threshold[node] as number)
          ? (tree.left[node] as number)
          : (tree.right[node] as number);
      contributions[feature] =
        (contributions[feature] as number) + (tree.value[child] as number) - (tree.value[node] as number);
      node = child;
    }
    prediction += tree.value[node] as number;
  }
  for (let feature = 0; feature < featureCount; feature++) {
    contributions[feature] = (contributions[feature] as number) / trees.length;
  }
  return { bias: bias / trees.length, contributions, prediction: prediction / trees.length };
}
