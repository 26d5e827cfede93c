//! The no-grad scope: ops inside record nothing and keep no inputs alive.
import Foundation

/// Whether ops record their inputs for autodiff in the current task / thread.
///
/// A `@TaskLocal` rather than a global flag so that concurrent tasks (a training loop and an
/// evaluation running side by side, or parallel tests) do not switch each other's recording.
/// Threads started with `DispatchQueue.concurrentPerform` do not inherit it: call `withNoGrad`
/// inside such workers if they build tensors.
public enum GradientRecording {
    @TaskLocal static var isDisabled = false
    @TaskLocal static var gate: RecordingGate? = nil

    /// True when ops record their inputs: outside any `withNoGrad`, and past the opened gate of
    /// the innermost `withDeferredRecording` scope, if any.
    public static var isEnabled: Bool { !isDisabled && (gate?.isOpen ?? true) }

    /// The gate of the innermost `withDeferredRecording` scope of this task (nil outside one).
    public static var currentGate: RecordingGate? { gate }
}

/// A one-way switch that starts gradient recording partway through a computation.
///
/// Why: a gradient with respect to an intermediate activation only needs the ops *after* that
/// activation on the tape. Recording a whole ResNet50 forward at batch 32 keeps ~9 GB of
/// activations alive; recording from `layer4` on keeps a few hundred MB. Ops before `open()` run
/// as under `withNoGrad` (their results are leaves), ops after it record as usual.
public final class RecordingGate: @unchecked Sendable {
    private let lock = NSLock()
    private var opened = false

    init() {}

    /// Whether recording has started.
    public var isOpen: Bool {
        lock.lock(); defer { lock.unlock() }
        return opened
    }

    /// Starts recording for the rest of the scope (idempotent).
    public func open() {
        lock.lock(); defer { lock.unlock() }
        opened = true
    }
}

/// Runs `body` with recording off until `body` (or code it calls, through
/// `GradientRecording.currentGate`) opens the gate; from then on ops record.
///
/// ```swift
/// let logits = withDeferredRecording { gate -> Tensor in
///     let features = withNoGrad { backbone(images) }  // or just run: the gate is closed
///     gate.open()
///     return head(features)                            // recorded; `features` is a leaf
/// }
/// ```
public func withDeferredRecording<R>(_ body: (RecordingGate) throws -> R) rethrows -> R {
    let gate = RecordingGate()
    return try GradientRecording.$isDisabled.withValue(false) {
        try GradientRecording.$gate.withValue(gate) { try body(gate) }
    }
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
    try GradientRecording.$isDisabled.withValue(false) {
        try GradientRecording.$gate.withValue(nil, operation: body)
    }
}
