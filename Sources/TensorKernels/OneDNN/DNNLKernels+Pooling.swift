//! oneDNN max / average pooling on plain NCHW, with PyTorch's ceil-mode divisor fixed up.
//!
//! Ceil mode is expressed as extra right/bottom padding. oneDNN's include-padding average always
//! divides by kernelH * kernelW, whereas PyTorch clips the window to the padded image first, so
//! windows that stick out past the padding (only the last row/column in ceil mode) get a factor
//! `kernel / clipped` applied: after the forward, and to the output gradient before the backward.
//! Pooling stays on plain `nchw`: oneDNN's plain pooling is fast, and a reorder would cost more.
import CTensorDNNL

/// oneDNN's spelling of one pooling geometry.
struct PoolingShape {
    let source, destination: dnnl_memory_desc_t
    let strides, kernel, paddingLeft, paddingRight: [Int64]
    let algorithm: dnnl_alg_kind_t

    init(_ g: Pool2dGeometry) {
        source = PlainLayout.activations(g.batch, g.channels, g.inputHeight, g.inputWidth)
        destination = PlainLayout.activations(g.batch, g.channels, g.outputHeight, g.outputWidth)
        strides = [Int64(g.strideHeight), Int64(g.strideWidth)]
        kernel = [Int64(g.kernelHeight), Int64(g.kernelWidth)]
        paddingLeft = [Int64(g.paddingHeight), Int64(g.paddingWidth)]
        // Bottom/right padding that makes oneDNN produce exactly PyTorch's output size.
        let bottom = max(
            g.paddingHeight, (g.outputHeight - 1) * g.strideHeight + g.kernelHeight - g.inputHeight - g.paddingHeight)
        let right = max(
            g.paddingWidth, (g.outputWidth - 1) * g.strideWidth + g.kernelWidth - g.inputWidth - g.paddingWidth)
        paddingRight = [Int64(bottom), Int64(right)]
        switch g.kind {
        case .max: algorithm = dnnl_pooling_max
        case .averageIncludingPadding: algorithm = dnnl_pooling_avg_include_padding
        case .averageExcludingPadding: algorithm = dnnl_pooling_avg_exclude_padding
        }
    }

    func forwardDescriptor() -> DNNLPrimitiveDescriptor {
        var operation = dnnl_pooling_desc_t()
        var src = source
        var dst = destination
        checkDNNL(
            dnnl_pooling_forward_desc_init(
                &operation, dnnl_forward_training, algorithm, &src, &dst,
                strides, kernel, paddingLeft, paddingRight), "pooling_forward_desc_init")
        return DNNLPrimitiveDescriptor(&operation, hint: nil, "pooling forward")
    }

    func backwardDescriptor(hint: DNNLPrimitiveDescriptor) -> DNNLPrimitiveDescriptor {
        var operation = dnnl_pooling_desc_t()
        var src = source
        var dst = destination
        checkDNNL(
            dnnl_pooling_backward_desc_init(
                &operation, algorithm, &src, &dst,
                strides, kernel, paddingLeft, paddingRight), "pooling_backward_desc_init")
        return DNNLPrimitiveDescriptor(&operation, hint: hint, "pooling backward")
    }
}

/// Who runs a pooling geometry: oneDNN, or `SwiftPooling` when oneDNN would use a generic
/// fallback implementation (`simple_*` / `ref:*`), which is several times slower than plain Swift
/// loops (VGG 2x2/2 max pooling at 8x64x224x224: 127 ms forward in `simple_nchw` on one core).
enum PoolingRoute: Sendable {
    case onednn
    case swift(SwiftPooling)

    init(_ g: Pool2dGeometry) {
        let shape = PoolingShape(g)
        let forward = shape.forwardDescriptor()
        let backward = shape.backwardDescriptor(hint: forward)
        let generic = [forward, backward].contains { descriptor in
            let name = descriptor.implementationName
            return name.hasPrefix("simple") || name.hasPrefix("ref")
        }
        self = generic ? .swift(SwiftPooling(g)) : .onednn
    }
}

/// Forward pooling (with a workspace for max pooling, which oneDNN's training forward requires).
final class PoolingForwardPlan: @unchecked Sendable {
    let forward: PlainPlan
    let divisorFix: AverageDivisorFix?

    init(_ g: Pool2dGeometry) {
        let shape = PoolingShape(g)
        let descriptor = shape.forwardDescriptor()
        let workspace: [Int32: dnnl_memory_desc_t] =
            g.kind == .max ? [DNNL_ARG_WORKSPACE: descriptor.memoryDescriptor(dnnl_query_workspace_md)] : [:]
        forward = PlainPlan(
            descriptor, views: [DNNL_ARG_SRC: shape.source, DNNL_ARG_DST: shape.destination],
            scratch: workspace)
        divisorFix = AverageDivisorFix(g)
    }
}

/// Backward pooling; for max pooling it re-runs the forward to rebuild the workspace (the
/// contract gives the backward only the input).
final class PoolingBackwardPlan: @unchecked Sendable {
    let forward: PlainPlan?
    let backward: PlainPlan
    let recomputedOutput: DNNLMemory?
    private let shape: PoolingShape
    let divisorFix: AverageDivisorFix?

    init(_ g: Pool2dGeometry) {
        let shape = PoolingShape(g)
        self.shape = shape
        let forwardDescriptor = shape.forwardDescriptor()
        let backwardDescriptor = shape.backwardDescriptor(hint: forwardDescriptor)
        let views = [DNNL_ARG_DIFF_DST: shape.destination, DNNL_ARG_DIFF_SRC: shape.source]
        if g.kind == .max {
            let workspace = forwardDescriptor.memoryDescriptor(dnnl_query_workspace_md)
            forward = PlainPlan(
                forwardDescriptor, views: [DNNL_ARG_SRC: shape.source],
                scratch: [DNNL_ARG_WORKSPACE: workspace])
            // Lives in the shared scratch arena (slot 0; pooling plans use no other slot).
            recomputedOutput = DNNLMemory(shape.destination, allocate: false)
        } else {
            forward = nil
            recomputedOutput = nil
        }
        backward = PlainPlan(backwardDescriptor, views: views)
        divisorFix = AverageDivisorFix(g)
    }

    func run(
        input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, stream: dnnl_stream_t
    ) {
        guard let forward, let recomputedOutput, let workspace = forward.scratchMemory(DNNL_ARG_WORKSPACE) else {
            backward.run(
                stream,
                [
                    DNNL_ARG_DIFF_DST: UnsafeRawPointer(outputGradient),
                    DNNL_ARG_DIFF_SRC: UnsafeRawPointer(inputGradient),
                ])
            return
        }
        var destination = shape.destination
        let bytes = dnnl_memory_desc_get_size(&destination)
        recomputedOutput.bind(DNNLEngine.shared.scratch.buffer(slot: 0, bytes: bytes))
        forward.run(stream, [DNNL_ARG_SRC: UnsafeRawPointer(input)], extra: [DNNL_ARG_DST: recomputedOutput])
        backward.run(
            stream,
            [DNNL_ARG_DIFF_DST: UnsafeRawPointer(outputGradient), DNNL_ARG_DIFF_SRC: UnsafeRawPointer(inputGradient)],
            extra: [DNNL_ARG_WORKSPACE: workspace])
    }
}

/// Per-row and per-column factors `kernel / clipped window` for include-padding averages whose
/// windows stick out past the padded image (ceil mode); nil when every factor is 1.
struct AverageDivisorFix: Sendable {
    let planes: Int
    let rowFactors: [Float]
    let columnFactors: [Float]

    init?(_ g: Pool2dGeometry) {
        guard g.kind == .averageIncludingPadding else { return nil }
        func factors(_ outputs: Int, _ size: Int, _ kernel: Int, _ stride: Int, _ pad: Int) -> [Float] {
            (0..<outputs).map { index in
                let start = index * stride - pad
                return Float(kernel) / Float(min(start + kernel, size + pad) - start)
            }
        }
        rowFactors = factors(g.outputHeight, g.inputHeight, g.kernelHeight, g.strideHeight, g.paddingHeight)
        columnFactors = factors(g.outputWidth, g.inputWidth, g.kernelWidth, g.strideWidth, g.paddingWidth)
        guard rowFactors.contains(where: { $0 != 1 }) || columnFactors.contains(where: { $0 != 1 }) else { return nil }
        planes = g.batch * g.channels
    }

    /// Multiplies every output element by its row and column factor, in place.
    func apply(to values: UnsafeMutablePointer<Float>) {
        let width = columnFactors.count
        let plane = rowFactors.count * width
        for p in 0..<planes {
            for (y, rowFactor) in rowFactors.enumerated() {
                for (x, columnFactor) in columnFactors.enumerated() where rowFactor != 1 || columnFactor != 1 {
                    values[p * plane + y * width + x] *= rowFactor * columnFactor
                }
            }
        }
    }
}

extension DNNLKernels {
    public func pool2dForward(
        _ geometry: Pool2dGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        geometry.checkValid()
        guard geometry.outputCount > 0 && geometry.inputCount > 0 else {
            return ReferenceKernels().pool2dForward(geometry, input: input, output: output)
        }
        if case .swift(let pooling) = DNNLCaches.shared.poolingRoute.plan(
            for: geometry, make: { PoolingRoute(geometry) })
        {
            return pooling.forward(input: input, output: output)
        }
        let plan = DNNLCaches.shared.poolingForward.plan(for: geometry) { PoolingForwardPlan(geometry) }
        DNNLEngine.shared.withStream {
            plan.forward.run($0, [DNNL_ARG_SRC: UnsafeRawPointer(input), DNNL_ARG_DST: UnsafeRawPointer(output)])
        }
        plan.divisorFix?.apply(to: output)
    }

    public func pool2dBackward(
        _ geometry: Pool2dGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>
    ) {
        geometry.checkValid()
        guard geometry.outputCount > 0 && geometry.inputCount > 0 else {
            return ReferenceKernels().pool2dBackward(
                geometry, input: input, outputGradient: outputGradient,
                inputGradient: inputGradient)
        }
        if case .swift(let pooling) = DNNLCaches.shared.poolingRoute.plan(
            for: geometry, make: { PoolingRoute(geometry) })
        {
            return pooling.backward(input: input, outputGradient: outputGradient, inputGradient: inputGradient)
        }
        let plan = DNNLCaches.shared.poolingBackward.plan(for: geometry) { PoolingBackwardPlan(geometry) }
        guard let fix = plan.divisorFix else {
            DNNLEngine.shared.withStream {
                plan.run(input: input, outputGradient: outputGradient, inputGradient: inputGradient, stream: $0)
            }
            return
        }
        // The caller's gradient is read-only: scale a copy.
        var scaled = Array(UnsafeBufferPointer(start: outputGradient, count: geometry.outputCount))
        scaled.withUnsafeMutableBufferPointer { buffer in
            fix.apply(to: buffer.baseAddress!)
            DNNLEngine.shared.withStream {
                plan.run(input: input, outputGradient: buffer.baseAddress!, inputGradient: inputGradient, stream: $0)
            }
        }
    }
}
