//! Losses, each a mean-reduced scalar (shape `[]`), composed from differentiable ops.

/// Cross-entropy of `logits` `[N, K]` against integer `labels` (N entries in `0..<K`), mean over
/// the batch (PyTorch `cross_entropy`). With `labelSmoothing` ε the target is
/// `(1 − ε)·onehot + ε / K`, i.e. `loss_i = (1 − ε)·(−log p_i[y_i]) + ε · mean_k(−log p_i[k])`.
public func crossEntropy(_ logits: Tensor, labels: [Int], labelSmoothing: Float = 0) -> Tensor {
    precondition(logits.rank == 2 && labels.count == logits.shape[0],
                 "crossEntropy: logits \(logits.shape) must be [N, K] with N = \(labels.count) labels")
    precondition(labels.allSatisfy { $0 >= 0 && $0 < logits.shape[1] },
                 "crossEntropy: a label is outside 0..<\(logits.shape[1])")
    precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "crossEntropy: labelSmoothing \(labelSmoothing) not in [0, 1]")
    let logProbabilities = logSoftmax(logits, axis: 1)
    let negativeLogLikelihood = -logProbabilities.gathered(alongAxis: 1, indices: labels, count: 1).mean()
    if labelSmoothing == 0 { return negativeLogLikelihood }
    let uniform = -logProbabilities.mean()
    return (1 - labelSmoothing) * negativeLogLikelihood + labelSmoothing * uniform
}

/// Binary cross-entropy on probabilities `p` in [0, 1] against `targets` (same shape), mean
/// over all elements: `−(t·log p + (1 − t)·log(1 − p))`, each log clamped at −100 as PyTorch.
public func binaryCrossEntropy(_ probabilities: Tensor, targets: Tensor) -> Tensor {
    precondition(probabilities.shape == targets.shape,
                 "binaryCrossEntropy: probabilities \(probabilities.shape) and targets \(targets.shape) differ")
    let logP = clamp(log(probabilities), min: -100)
    let logNotP = clamp(log(1 - probabilities), min: -100)
    return -(targets * logP + (1 - targets) * logNotP).mean()
}

/// Binary cross-entropy on logits, mean over all elements, in the stable form
/// `max(x, 0) − x·t + log(1 + e^−|x|)` (PyTorch `binary_cross_entropy_with_logits`).
public func binaryCrossEntropyWithLogits(_ logits: Tensor, targets: Tensor) -> Tensor {
    precondition(logits.shape == targets.shape,
                 "binaryCrossEntropyWithLogits: logits \(logits.shape) and targets \(targets.shape) differ")
    return (relu(logits) - logits * targets + log(1 + exp(-abs(logits)))).mean()
}

/// Mean squared error `mean((prediction − target)^2)` over all elements (shapes broadcast).
public func meanSquaredError(_ prediction: Tensor, _ target: Tensor) -> Tensor {
    pow(prediction - target, 2).mean()
}

/// KL divergence with PyTorch's `kl_div(logInput, target, reduction: 'batchmean')` semantics:
/// `Σ target·(log target − logInput) / N`, `N = logInput.shape[0]`, where `0·log 0 = 0`.
/// `logInput` holds log-probabilities, `target` probabilities; gradients flow to both.
public func klDivergence(logInput: Tensor, target: Tensor) -> Tensor {
    precondition(logInput.shape == target.shape && logInput.rank >= 1,
                 "klDivergence: logInput \(logInput.shape) and target \(target.shape) differ")
    let positive = withNoGrad { target .> 0 }
    // log(target) only where target > 0: the 0·log 0 terms must be 0 and must not produce NaN.
    let safeLog = log(select(positive, target, .constant(1)))
    let pointwise = select(positive, target * (safeLog - logInput), -target * logInput)
    return pointwise.sum() * (1 / Float(logInput.shape[0]))
}
