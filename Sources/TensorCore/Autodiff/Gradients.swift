//! Reverse-mode differentiation: `gradients(of:wrt:seed:)` and `Tensor.backward(seed:)`.

/// Gradients of `output` with respect to each tensor of `wrt` (leaves or intermediates).
///
/// Back-propagates `seed` (default: ones of `output.shape`, i.e. d(sum(output))/d(·)) through the
/// ops recorded since the `wrt` tensors were made. Only the part of the graph between `output` and
/// `wrt` is visited, so e.g. d(score)/d(feature map) does not pay for the backbone below it, and a
/// convolution whose input is not needed skips its backward-data pass. A `wrt` tensor that
/// `output` does not depend on gets zeros. Gradients are themselves not recorded (no higher order).
///
/// ```swift
/// let features = backbone(images)                 // [N, C, h, w]
/// let scores = head(features)                     // [N, K]
/// let seed = Tensor.oneHot(classes, classCount: K) // [N, K]
/// let dScoreDFeatures = gradients(of: scores, wrt: [features], seed: seed)[0]  // [N, C, h, w]
/// ```
/// - Parameters:
///   - output: any tensor computed outside `withNoGrad`.
///   - wrt: the tensors to differentiate with respect to; results come in the same order and shapes.
///   - seed: the upstream gradient d(loss)/d(output), same shape as `output`.
public func gradients(of output: Tensor, wrt targets: [Tensor], seed: Tensor? = nil) -> [Tensor] {
    let targetIDs = Set(targets.map(\.id))
    let store = backpropagate(from: output, seed: seed, isTarget: { targetIDs.contains($0.id) })
    return targets.map { store[$0] ?? Tensor(repeating: 0, shape: $0.shape) }
}

/// Gradients keyed by tensor identity, as returned by `Tensor.backward(seed:)`.
public struct Gradients: Sendable {
    var byID: [TensorID: Tensor] = [:]

    /// The gradient of the back-propagated output with respect to `tensor`, same shape as `tensor`,
    /// or nil if `tensor` is not a leaf the output depends on.
    public subscript(tensor: Tensor) -> Tensor? { byID[tensor.id] }

    /// Number of tensors with a gradient.
    public var count: Int { byID.count }
}

extension Tensor {
    /// Back-propagates `seed` (default ones) from this tensor to its leaves and returns their
    /// gradients, keyed by tensor.
    ///
    /// The leaves differentiated are those marked with `requiringGradient()` (parameters); if no
    /// leaf of the graph is marked, every leaf except internal constants (the `2` of `x * 2`,
    /// masks). Marking parameters matters for speed: unmarked inputs such as images are then not
    /// differentiated, so the first convolution skips its backward-data pass.
    /// Intermediate gradients are not kept; use `gradients(of:wrt:seed:)` for those.
    public func backward(seed: Tensor? = nil) -> Gradients {
        let anyMarked = topologicalOrder(from: self).contains { $0.op == nil && $0.requiresGradient }
        return backpropagate(from: self, seed: seed, isTarget: { leaf in
            leaf.op == nil && !leaf.isConstant && (leaf.requiresGradient || !anyMarked)
        })
    }
}

/// Walks the graph below `output` in reverse topological order, accumulating gradients into
/// every node on a path to a target; returns the targets' gradients.
private func backpropagate(from output: Tensor, seed: Tensor?, isTarget: (Tensor) -> Bool) -> Gradients {
    if let seed {
        precondition(seed.shape == output.shape,
                     "gradients: seed shape \(seed.shape) does not match output shape \(output.shape)")
    }
    let order = topologicalOrder(from: output)
    let needed = neededNodes(order, isTarget: isTarget)
    guard needed.contains(output.id) else { return Gradients() }

    return withNoGrad {
        var pending: [TensorID: Tensor] = [output.id: seed?.detached() ?? Tensor(repeating: 1, shape: output.shape)]
        var result = Gradients()
        for node in order.reversed() {
            guard let gradient = pending.removeValue(forKey: node.id) else { continue }
            if isTarget(node) { result.byID[node.id] = gradient }
            guard let op = node.op else { continue }
            let parents = op.parents
            let needs = parents.map { needed.contains($0.id) }
            // A target whose inputs lead to no other target: stop here (no wasted rule).
            guard needs.contains(true) else { continue }
            let parentGradients = backward(op, output: node, gradient: gradient, needs: needs)
            for (index, parent) in parents.enumerated() where needs[index] {
                guard let contribution = parentGradients[index] else { continue }
                precondition(contribution.shape == parent.shape,
                             "backward: gradient shape \(contribution.shape) for input \(parent.shape) of \(op.name)")
                if let existing = pending[parent.id] {
                    pending[parent.id] = existing + contribution
                } else {
                    pending[parent.id] = contribution
                }
            }
        }
        return result
    }
}

/// Every node reachable from `output`, parents before children (iterative DFS, so deep graphs
/// do not exhaust the stack).
func topologicalOrder(from output: Tensor) -> [Tensor] {
    var order: [Tensor] = []
    var visited: Set<TensorID> = [output.id]
    var stack: [(node: Tensor, parents: [Tensor], next: Int)] = [(output, output.op?.parents ?? [], 0)]
    while !stack.isEmpty {
        let top = stack.count - 1
        if stack[top].next < stack[top].parents.count {
            let parent = stack[top].parents[stack[top].next]
            stack[top].next += 1
            if visited.insert(parent.id).inserted {
                stack.append((parent, parent.op?.parents ?? [], 0))
            }
        } else {
            order.append(stack.removeLast().node)
        }
    }
    return order
}

/// IDs of nodes that are targets or lie on a path from a target to the output.
private func neededNodes(_ order: [Tensor], isTarget: (Tensor) -> Bool) -> Set<TensorID> {
    var needed: Set<TensorID> = []
    for node in order {
        if isTarget(node) || (node.op?.parents.contains { needed.contains($0.id) } ?? false) {
            needed.insert(node.id)
        }
    }
    return needed
}
