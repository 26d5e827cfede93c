//! oneDNN convolution: forward, backward-data, backward-weights(+bias).
//!
//! Most primitives are created with `format_tag_any` for src/weights/dst, so oneDNN picks its fast
//! blocked layouts (plain `nchw` descriptors select a slower gemm path for 3x3, design.md);
//! `TensorPort` reorders between the caller's plain NCHW/OIHW buffers and those layouts.
//! `ConvolutionShape.prefersPlainLayout` names the cases where plain descriptors win once the
//! reorders (which our plain-NCHW contract forces at every call) are counted.
import CTensorDNNL

/// oneDNN's spelling of one convolution geometry (dilation is "extra gap": PyTorch d - 1).
struct ConvolutionShape {
    let source, weights, destination, bias: dnnl_memory_desc_t
    let strides: [Int64]
    let dilations: [Int64]
    let padding: [Int64]

    /// Whether the primitives of this geometry are created on plain descriptors, per pass.
    let plainForward, plainBackwardData, plainBackwardWeights: Bool

    /// When plain `nchw`/`oihw` descriptors beat `format_tag_any` + reorders, counting the reorders.
    ///
    /// Measured with `KernelBenchmark` (release, 1 OpenMP thread, process CPU time, min of 10,
    /// batch 8; ms including reorders, blocked vs plain, fwd / bwd-data / bwd-weights):
    /// - 1x1 at 56x56 (64->256, 256->64): 6.8/6.8/8.4 vs 4.3/3.6/7.9 and 7.2/6.9/9.2 vs 3.7/3.5/9.0.
    /// - 1x1 at 28x28 (128->512, 512->128, 512->256): plain wins or ties every pass
    ///   (e.g. 5.3/6.0/6.2 vs 4.1/3.6/5.6). The reorders of large activations cost more than the
    ///   blocked kernel gains; on nchw a 1x1 convolution is one plain gemm.
    /// - 1x1 at 14x14 (1024->256): 4.5/4.0/5.4 vs 3.9/4.8/5.7 (mixed); at 7x7 (2048->512)
    ///   4.4/5.0/6.3 vs 5.2/7.5/5.5; 1x1 stride 2 (512->1024, 28->14): 9.4/9.8/10.2 vs 11.6/9.9/9.9.
    ///   These stay blocked.
    /// - The stem (7x7/2, 3->64, 224): bwd-data 56 vs 22 (the blocked kernel for 3 channels is
    ///   poor); fwd 12 vs 20 and bwd-weights 13 vs 28 stay blocked.
    /// - 3x3 (64@56, 256@14, 512@14): blocked wins or ties (e.g. 64@56: 9.2/9.3/12.1 vs 12.3/16.9/24.5).
    static func prefersPlainLayout(_ g: Conv2dGeometry, _ pass: ConvolutionPass) -> Bool {
        let largePointwise =
            g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideHeight == 1
            && g.strideWidth == 1 && g.inputHeight * g.inputWidth >= 28 * 28
        switch pass {
        case .forward, .backwardWeights: return largePointwise
        case .backwardData: return largePointwise || (g.groups == 1 && g.inputChannels < 8)
        }
    }

    init(_ g: Conv2dGeometry) {
        plainForward = Self.prefersPlainLayout(g, .forward)
        plainBackwardData = Self.prefersPlainLayout(g, .backwardData)
        plainBackwardWeights = Self.prefersPlainLayout(g, .backwardWeights)
        source = PlainLayout.activations(g.batch, g.inputChannels, g.inputHeight, g.inputWidth)
        weights = PlainLayout.weights(g)
        destination = PlainLayout.activations(g.batch, g.outputChannels, g.outputHeight, g.outputWidth)
        bias = PlainLayout.vector(g.outputChannels)
        strides = [Int64(g.strideHeight), Int64(g.strideWidth)]
        dilations = [Int64(g.dilationHeight - 1), Int64(g.dilationWidth - 1)]
        padding = [Int64(g.paddingHeight), Int64(g.paddingWidth)]
    }

    /// `plain` itself, or a `format_tag_any` descriptor of the same dims.
    private func layout(_ plain: dnnl_memory_desc_t, keepPlain: Bool) -> dnnl_memory_desc_t {
        keepPlain ? plain : PlainLayout.any(like: plain)
    }

    /// Forward-training primitive descriptor (also the hint for the backward passes, created in
    /// the layout family of the pass it hints, `plain`).
    func forwardDescriptor(withBias: Bool, plain: Bool? = nil) -> DNNLPrimitiveDescriptor {
        let keep = plain ?? plainForward
        var operation = dnnl_convolution_desc_t()
        var src = layout(source, keepPlain: keep)
        var wei = layout(weights, keepPlain: keep)
        // A zero descriptor disables the bias term.
        var dst = layout(destination, keepPlain: keep)
        var bia = withBias ? bias : dnnl_memory_desc_t()
        checkDNNL(
            dnnl_dilated_convolution_forward_desc_init(
                &operation, dnnl_forward_training, dnnl_convolution_direct, &src, &wei, &bia, &dst,
                strides, dilations, padding, padding), "convolution_forward_desc_init")
        return DNNLPrimitiveDescriptor(&operation, hint: nil, "convolution forward")
    }

    func backwardDataDescriptor(hint: DNNLPrimitiveDescriptor) -> DNNLPrimitiveDescriptor {
        let keep = plainBackwardData
        var operation = dnnl_convolution_desc_t()
        var src = layout(source, keepPlain: keep)
        var wei = layout(weights, keepPlain: keep)
        var dst = layout(destination, keepPlain: keep)
        checkDNNL(
            dnnl_dilated_convolution_backward_data_desc_init(
                &operation, dnnl_convolution_direct, &src, &wei, &dst, strides, dilations, padding, padding),
            "convolution_backward_data_desc_init")
        return DNNLPrimitiveDescriptor(&operation, hint: hint, "convolution backward data")
    }

    func backwardWeightsDescriptor(withBias: Bool, hint: DNNLPrimitiveDescriptor) -> DNNLPrimitiveDescriptor {
        let keep = plainBackwardWeights
        var operation = dnnl_convolution_desc_t()
        var src = layout(source, keepPlain: keep)
        var wei = layout(weights, keepPlain: keep)
        var dst = layout(destination, keepPlain: keep)
        var bia = withBias ? bias : dnnl_memory_desc_t()
        checkDNNL(
            dnnl_dilated_convolution_backward_weights_desc_init(
                &operation, dnnl_convolution_direct, &src, &wei, &bia, &dst,
                strides, dilations, padding, padding), "convolution_backward_weights_desc_init")
        return DNNLPrimitiveDescriptor(&operation, hint: hint, "convolution backward weights")
    }
}

/// Cache key: the geometry plus whether a bias takes part.
struct ConvolutionKey: Hashable, Sendable {
    let geometry: Conv2dGeometry
    let withBias: Bool
}

/// Forward convolution for one geometry. Touched only inside `DNNLEngine.withStream`.
final class ConvolutionForwardPlan: @unchecked Sendable {
    let primitive: DNNLPrimitive
    let source, weights, destination: TensorPort
    let bias: DNNLMemory?
    /// The arguments of the last run (for `KernelBenchmark.convPrimitiveOnly`).
    private(set) var lastArguments: [(Int32, dnnl_memory_t)] = []

    init(_ key: ConvolutionKey) {
        let shape = ConvolutionShape(key.geometry)
        let descriptor = shape.forwardDescriptor(withBias: key.withBias)
        primitive = descriptor.makePrimitive()
        source = TensorPort(
            plain: shape.source, chosen: descriptor.memoryDescriptor(dnnl_query_src_md),
            direction: .input, slot: 0, name: "conv src")
        weights = TensorPort(
            plain: shape.weights, chosen: descriptor.memoryDescriptor(dnnl_query_weights_md),
            direction: .input, slot: 1, name: "conv weights")
        destination = TensorPort(
            plain: shape.destination, chosen: descriptor.memoryDescriptor(dnnl_query_dst_md),
            direction: .output, slot: 2, name: "conv dst")
        bias = key.withBias ? DNNLMemory(shape.bias, allocate: false) : nil
    }

    func run(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias biasPointer: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, stream: dnnl_stream_t
    ) {
        source.attach(input, stream)
        weights.attach(weight, stream)
        destination.attach(output, stream)
        var arguments = [
            (DNNL_ARG_SRC, source.memory), (DNNL_ARG_WEIGHTS, weights.memory), (DNNL_ARG_DST, destination.memory),
        ]
        if let bias, let biasPointer {
            bias.bind(biasPointer)
            arguments.append((DNNL_ARG_BIAS, bias.handle))
        }
        lastArguments = arguments
        primitive.execute(stream, arguments)
        destination.finish(stream)
    }
}

/// Backward-data convolution for one geometry.
final class ConvolutionBackwardDataPlan: @unchecked Sendable {
    let primitive: DNNLPrimitive
    let outputGradient, weights, inputGradient: TensorPort
    private(set) var lastArguments: [(Int32, dnnl_memory_t)] = []

    init(_ geometry: Conv2dGeometry) {
        let shape = ConvolutionShape(geometry)
        let forward = shape.forwardDescriptor(withBias: false, plain: shape.plainBackwardData)
        let descriptor = shape.backwardDataDescriptor(hint: forward)
        primitive = descriptor.makePrimitive()
        outputGradient = TensorPort(
            plain: shape.destination, chosen: descriptor.memoryDescriptor(dnnl_query_diff_dst_md),
            direction: .input, slot: 0, name: "conv diff_dst")
        weights = TensorPort(
            plain: shape.weights, chosen: descriptor.memoryDescriptor(dnnl_query_weights_md),
            direction: .input, slot: 1, name: "conv weights")
        inputGradient = TensorPort(
            plain: shape.source, chosen: descriptor.memoryDescriptor(dnnl_query_diff_src_md),
            direction: .output, slot: 2, name: "conv diff_src")
    }

    func run(
        outputGradient dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        inputGradient dx: UnsafeMutablePointer<Float>, stream: dnnl_stream_t
    ) {
        outputGradient.attach(dy, stream)
        weights.attach(weight, stream)
        inputGradient.attach(dx, stream)
        lastArguments = [
            (DNNL_ARG_DIFF_DST, outputGradient.memory), (DNNL_ARG_WEIGHTS, weights.memory),
            (DNNL_ARG_DIFF_SRC, inputGradient.memory),
        ]
        primitive.execute(stream, lastArguments)
        inputGradient.finish(stream)
    }
}

/// Backward-weights (and bias) convolution for one geometry.
final class ConvolutionBackwardWeightsPlan: @unchecked Sendable {
    let primitive: DNNLPrimitive
    let source, outputGradient, weightGradient: TensorPort
    let biasGradient: DNNLMemory?
    private(set) var lastArguments: [(Int32, dnnl_memory_t)] = []

    init(_ key: ConvolutionKey) {
        let shape = ConvolutionShape(key.geometry)
        let forward = shape.forwardDescriptor(withBias: key.withBias, plain: shape.plainBackwardWeights)
        let descriptor = shape.backwardWeightsDescriptor(withBias: key.withBias, hint: forward)
        primitive = descriptor.makePrimitive()
        source = TensorPort(
            plain: shape.source, chosen: descriptor.memoryDescriptor(dnnl_query_src_md),
            direction: .input, slot: 0, name: "conv src")
        outputGradient = TensorPort(
            plain: shape.destination, chosen: descriptor.memoryDescriptor(dnnl_query_diff_dst_md),
            direction: .input, slot: 1, name: "conv diff_dst")
        weightGradient = TensorPort(
            plain: shape.weights,
            chosen: descriptor.memoryDescriptor(dnnl_query_diff_weights_md),
            direction: .output, slot: 2, name: "conv diff_weights")
        biasGradient = key.withBias ? DNNLMemory(shape.bias, allocate: false) : nil
    }

    func run(
        input: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
        weightGradient dw: UnsafeMutablePointer<Float>, biasGradient db: UnsafeMutablePointer<Float>?,
        stream: dnnl_stream_t
    ) {
        source.attach(input, stream)
        outputGradient.attach(dy, stream)
        weightGradient.attach(dw, stream)
        var arguments = [
            (DNNL_ARG_SRC, source.memory), (DNNL_ARG_DIFF_DST, outputGradient.memory),
            (DNNL_ARG_DIFF_WEIGHTS, weightGradient.memory),
        ]
        if let biasGradient, let db {
            biasGradient.bind(db)
            arguments.append((DNNL_ARG_DIFF_BIAS, biasGradient.handle))
        }
        lastArguments = arguments
        primitive.execute(stream, arguments)
        weightGradient.finish(stream)
    }
}

extension DNNLKernels {
    /// False for shapes oneDNN cannot describe (a zero dimension), which the reference handles
    /// trivially; a negative output size is a caller bug and stops here with the geometry.
    static func isNonEmpty(_ g: Conv2dGeometry) -> Bool {
        g.checkValid()
        return g.inputCount > 0 && g.outputCount > 0 && g.weightCount > 0
    }

    public func conv2dForward(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        guard Self.isNonEmpty(geometry) else {
            return ReferenceKernels().conv2dForward(geometry, input: input, weight: weight, bias: bias, output: output)
        }
        let key = ConvolutionKey(geometry: geometry, withBias: bias != nil)
        let plan = DNNLCaches.shared.convolutionForward.plan(for: key) { ConvolutionForwardPlan(key) }
        DNNLEngine.shared.withStream { plan.run(input: input, weight: weight, bias: bias, output: output, stream: $0) }
    }

    public func conv2dBackwardData(
        _ geometry: Conv2dGeometry, outputGradient: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>
    ) {
        guard Self.isNonEmpty(geometry) else {
            return ReferenceKernels().conv2dBackwardData(
                geometry, outputGradient: outputGradient, weight: weight, inputGradient: inputGradient)
        }
        let plan = DNNLCaches.shared.convolutionBackwardData.plan(for: geometry) {
            ConvolutionBackwardDataPlan(geometry)
        }
        DNNLEngine.shared.withStream {
            plan.run(outputGradient: outputGradient, weight: weight, inputGradient: inputGradient, stream: $0)
        }
    }

    public func conv2dBackwardWeights(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        guard Self.isNonEmpty(geometry) else {
            return ReferenceKernels().conv2dBackwardWeights(
                geometry, input: input, outputGradient: outputGradient, weightGradient: weightGradient,
                biasGradient: biasGradient)
        }
        let key = ConvolutionKey(geometry: geometry, withBias: biasGradient != nil)
        let plan = DNNLCaches.shared.convolutionBackwardWeights.plan(for: key) { ConvolutionBackwardWeightsPlan(key) }
        DNNLEngine.shared.withStream {
            plan.run(
                input: input, outputGradient: outputGradient, weightGradient: weightGradient,
                biasGradient: biasGradient, stream: $0)
        }
    }
}

extension DNNLKernels {
    /// A closure that re-executes the cached primitive of `pass` with the buffers of its last run,
    /// skipping the layout reorders. The plan must have run once (with a bias, as the benchmark does).
    static func primitiveOnlyRunner(_ geometry: Conv2dGeometry, pass: ConvolutionPass) -> () -> Void {
        let key = ConvolutionKey(geometry: geometry, withBias: true)
        let caches = DNNLCaches.shared
        let (primitive, arguments): (DNNLPrimitive, [(Int32, dnnl_memory_t)])
        switch pass {
        case .forward:
            let plan = caches.convolutionForward.plan(for: key) { ConvolutionForwardPlan(key) }
            (primitive, arguments) = (plan.primitive, plan.lastArguments)
        case .backwardData:
            let plan = caches.convolutionBackwardData.plan(for: geometry) { ConvolutionBackwardDataPlan(geometry) }
            (primitive, arguments) = (plan.primitive, plan.lastArguments)
        case .backwardWeights:
            let plan = caches.convolutionBackwardWeights.plan(for: key) { ConvolutionBackwardWeightsPlan(key) }
            (primitive, arguments) = (plan.primitive, plan.lastArguments)
        }
        precondition(!arguments.isEmpty, "primitiveOnlyRunner: the \(pass) plan has not run yet")
        return { DNNLEngine.shared.withStream { primitive.execute($0, arguments) } }
    }
}
