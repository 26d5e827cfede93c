//! oneDNN batch normalisation on plain NCHW (`[N, C, spatial, 1]`), separate scale and shift.
//!
//! oneDNN 2.6 offers `dnnl_use_scale | dnnl_use_shift` (separate `[C]` buffers, matching the
//! contract) besides the older packed `use_scaleshift`; we use the former. Variance is biased, as
//! the contract wants.
import CTensorDNNL

/// oneDNN's spelling of one batch-norm geometry.
struct BatchNormShape {
    let data: dnnl_memory_desc_t
    let channelVector: dnnl_memory_desc_t
    let epsilon: Float

    init(_ g: BatchNormGeometry) {
        data = PlainLayout.activations(g.batch, g.channels, g.spatial, 1)
        channelVector = PlainLayout.vector(g.channels)
        epsilon = g.epsilon
    }

    static let affine = dnnl_use_scale.rawValue | dnnl_use_shift.rawValue

    func forwardDescriptor(training: Bool) -> DNNLPrimitiveDescriptor {
        var operation = dnnl_batch_normalization_desc_t()
        var md = data
        let flags = training ? Self.affine : Self.affine | dnnl_use_global_stats.rawValue
        checkDNNL(
            dnnl_batch_normalization_forward_desc_init(
                &operation, training ? dnnl_forward_training : dnnl_forward_inference, &md, epsilon, flags),
            "batch_normalization_forward_desc_init")
        return DNNLPrimitiveDescriptor(&operation, hint: nil, "batch normalization forward")
    }

    func backwardDescriptor(hint: DNNLPrimitiveDescriptor) -> DNNLPrimitiveDescriptor {
        var operation = dnnl_batch_normalization_desc_t()
        var diff = data
        var md = data
        checkDNNL(
            dnnl_batch_normalization_backward_desc_init(&operation, dnnl_backward, &diff, &md, epsilon, Self.affine),
            "batch_normalization_backward_desc_init")
        return DNNLPrimitiveDescriptor(&operation, hint: hint, "batch normalization backward")
    }

    /// The plain views for `arguments`: data-shaped ones get `data`, the rest a `[C]` vector.
    func views(data dataArguments: [Int32], vectors: [Int32]) -> [Int32: dnnl_memory_desc_t] {
        var views: [Int32: dnnl_memory_desc_t] = [:]
        for argument in dataArguments { views[argument] = data }
        for argument in vectors { views[argument] = channelVector }
        return views
    }
}

/// Cache key: the geometry and which pass.
struct BatchNormKey: Hashable, Sendable {
    enum Pass: Hashable, Sendable { case training, inference, backward }
    let geometry: BatchNormGeometry
    let pass: Pass
}

extension BatchNormKey {
    /// Builds the plan for this pass.
    func makePlan() -> PlainPlan {
        let shape = BatchNormShape(geometry)
        switch pass {
        case .training:
            return PlainPlan(
                shape.forwardDescriptor(training: true),
                views: shape.views(
                    data: [DNNL_ARG_SRC, DNNL_ARG_DST],
                    vectors: [DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE]))
        case .inference:
            return PlainPlan(
                shape.forwardDescriptor(training: false),
                views: shape.views(
                    data: [DNNL_ARG_SRC, DNNL_ARG_DST],
                    vectors: [DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE]))
        case .backward:
            let hint = shape.forwardDescriptor(training: true)
            return PlainPlan(
                shape.backwardDescriptor(hint: hint),
                views: shape.views(
                    data: [DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC],
                    vectors: [
                        DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE,
                        DNNL_ARG_DIFF_SCALE, DNNL_ARG_DIFF_SHIFT,
                    ]))
        }
    }
}

extension DNNLKernels {
    private func batchNormPlan(_ geometry: BatchNormGeometry, _ pass: BatchNormKey.Pass) -> PlainPlan {
        let key = BatchNormKey(geometry: geometry, pass: pass)
        return DNNLCaches.shared.batchNorm.plan(for: key) { key.makePlan() }
    }

    public func batchNormForwardTraining(
        _ geometry: BatchNormGeometry, input: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        shift: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>
    ) {
        guard geometry.count > 0 else {
            return ReferenceKernels().batchNormForwardTraining(
                geometry, input: input, scale: scale, shift: shift,
                output: output, mean: mean, variance: variance)
        }
        let plan = batchNormPlan(geometry, .training)
        DNNLEngine.shared.withStream {
            plan.run(
                $0,
                [
                    DNNL_ARG_SRC: UnsafeRawPointer(input), DNNL_ARG_DST: UnsafeRawPointer(output),
                    DNNL_ARG_SCALE: UnsafeRawPointer(scale), DNNL_ARG_SHIFT: UnsafeRawPointer(shift),
                    DNNL_ARG_MEAN: UnsafeRawPointer(mean), DNNL_ARG_VARIANCE: UnsafeRawPointer(variance),
                ])
        }
    }

    public func batchNormForwardInference(
        _ geometry: BatchNormGeometry, input: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        shift: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        guard geometry.count > 0 else { return }
        let plan = batchNormPlan(geometry, .inference)
        DNNLEngine.shared.withStream {
            plan.run(
                $0,
                [
                    DNNL_ARG_SRC: UnsafeRawPointer(input), DNNL_ARG_DST: UnsafeRawPointer(output),
                    DNNL_ARG_SCALE: UnsafeRawPointer(scale), DNNL_ARG_SHIFT: UnsafeRawPointer(shift),
                    DNNL_ARG_MEAN: UnsafeRawPointer(mean), DNNL_ARG_VARIANCE: UnsafeRawPointer(variance),
                ])
        }
    }

    public func batchNormBackward(
        _ geometry: BatchNormGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        scale: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, scaleGradient: UnsafeMutablePointer<Float>,
        shiftGradient: UnsafeMutablePointer<Float>
    ) {
        guard geometry.count > 0 else {
            return ReferenceKernels().batchNormBackward(
                geometry, input: input, outputGradient: outputGradient, scale: scale, mean: mean, variance: variance,
                inputGradient: inputGradient, scaleGradient: scaleGradient, shiftGradient: shiftGradient)
        }
        let plan = batchNormPlan(geometry, .backward)
        // oneDNN 2.6 counts SHIFT among the backward inputs when `use_shift` is set (execute fails
        // with invalid_arguments without it) although the gradients do not depend on it: bind the
        // scale buffer there, a valid [C] buffer whose values are never used.
        DNNLEngine.shared.withStream {
            plan.run(
                $0,
                [
                    DNNL_ARG_SRC: UnsafeRawPointer(input), DNNL_ARG_DIFF_DST: UnsafeRawPointer(outputGradient),
                    DNNL_ARG_SCALE: UnsafeRawPointer(scale), DNNL_ARG_SHIFT: UnsafeRawPointer(scale),
                    DNNL_ARG_MEAN: UnsafeRawPointer(mean), DNNL_ARG_VARIANCE: UnsafeRawPointer(variance),
                    DNNL_ARG_DIFF_SRC: UnsafeRawPointer(inputGradient),
                    DNNL_ARG_DIFF_SCALE: UnsafeRawPointer(scaleGradient),
                    DNNL_ARG_DIFF_SHIFT: UnsafeRawPointer(shiftGradient),
                ])
        }
    }
}
