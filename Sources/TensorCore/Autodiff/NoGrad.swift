//! The no-grad scope: ops inside record nothing and keep no inputs alive.

/// Whether ops record their inputs for autodiff in the current task / thread.
///
/// A `@TaskLocal` rather than a global flag so that concurrent tasks (a training loop and an
/// evaluation running side by side, or parallel tests) do not switch each other's recording.
/// Threads started with `DispatchQueue.concurrentPerform` do not inherit it: call `withNoGrad`
/// inside such workers if they build tensors.
public enum GradientRecording {
    @TaskLocal static var isDisabled = false

    /// True when ops record their inputs (outside any `withNoGrad`).
    public static var isEnabled: Bool { !isDisabled }
}

/// Runs `body` with gradient recording off: op results have no parents, so intermediate
/// activations are freed as soon as they are dropped. Use for inference and evaluation.
///
/// ```swift
/// let logits = withNoGrad { model(images) }
/// ```
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradientRecording.$isDisabled.withValue(true, operation: body)
}

/// Async form of `withNoGrad(_:)`.
public func withNoGrad<R>(_ body: () async throws -> R) async rethrows -> R {
    try await GradientRecording.$isDisabled.withValue(true, operation: body)
}

/// Runs `body` with gradient recording on, even inside an enclosing `withNoGrad` (e.g. a
/// gradient-based CAM method called from an evaluation loop that runs without gradients).
public func withGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradientRecording.$isDisabled.withValue(false, operation: body)
}
