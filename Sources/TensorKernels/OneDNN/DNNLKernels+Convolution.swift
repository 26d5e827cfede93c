//! oneDNN convolution: forward, backward-data, backward-weights(+bias).
//!
//! The primitives are created with `format_tag_any` for src/weights/dst, so oneDNN picks its fast
//! blocked layouts (plain `nchw` descriptors silently select a slower gemm path, design.md);
//! `TensorPort` reorders between the caller's plain NCHW/OIHW buffers and those layouts.
import CTensorDNNL

/// oneDNN's spelling of one convolution geometry (dilation is "extra gap": PyTorch d - 1).
struct ConvolutionShape {
    let source, weights, destination, bias: dnnl_memory_desc_t
    let strides: [Int64]
    let dilations: [Int64]
    let padding: [Int64]

    init(_ g: Conv2dGeometry) {
        source = PlainLayout.activations(g.batch, g.inputChannels, g.inputHeight, g.inputWidth)
        weights = PlainLayout.weights(g)
        destination = PlainLayout.activations(g.batch, g.outputChannels, g.outputHeight, g.outputWidth)
        bias = PlainLayout.vector(g.outputChannels)
        strides = [Int64(g.strideHeight), Int64(g.strideWidth)]
        dilations = [Int64(g.dilationHeight - 1), Int64(g.dilationWidth - 1)]
        padding = [Int64(g.paddingHeight), Int64(g.paddingWidth)]
    }

    /// Forward-training primitive descriptor (also the hint for both backward passes).
    func forwardDescriptor(withBias: Bool) -> DNNLPrimitiveDescriptor {
        var operation = dnnl_convolution_desc_t()
        var src = PlainLayout.any(like: source), wei = PlainLayout.any(like: weights)
        // A zero descriptor disables the bias term.
        var dst = PlainLayout.any(like: destination), bia = withBias ? bias : dnnl_memory_desc_t()
        checkDNNL(dnnl_dilated_convolution_forward_desc_init(
            &operation, dnnl_forward_training, dnnl_convolution_direct, &src, &wei, &bia, &dst, strides, dilations, padding, padding), "convolution_forward_desc_init")
        return DNNLPrimitiveDescriptor(&operation, hint: nil, "convolution forward")
    }

    func backwardDataDescriptor(hint: DNNLPrimitiveDescriptor) -> DNNLPrimitiveDescriptor {
        var operation = dnnl_convolution_desc_t()
        var src = PlainLayout.any(like: source), wei = PlainLayout.any(like: weights)
        var dst = PlainLayout.any(like: destination)
        checkDNNL(dnnl_dilated_convolution_backward_data_desc_init(
            &operation, dnnl_convolution_direct, &src, &wei, &dst, strides, dilations, padding, padding),
                  "convolution_backward_data_desc_init")
        return DNNLPrimitiveDescriptor(&operation, hint: hint, "convolution backward data")
    }

    func backwardWeightsDescriptor(withBias: Bool, hint: DNNLPrimitiveDescriptor) -> DNNLPrimitiveDescriptor {
        var operation = dnnl_convolution_desc_t()
        var src = PlainLayout.any(like: source), wei = PlainLayout.any(like: weights)
        var dst = PlainLayout.any(like: destination), bia = withBias ? bias : dnnl_memory_desc_t()
        checkDNNL(dnnl_dilated_convolution_backward_weights_desc_init(
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

    init(_ key: ConvolutionKey) {
        let shape = ConvolutionShape(key.geometry)
        let descriptor = shape.forwardDescriptor(withBias: key.withBias)
        primitive = descriptor.makePrimitive()
        source = TensorPort(plain: shape.source, chosen: descriptor.memoryDescriptor(dnnl_query_src_md),
                            direction: .input, name: "conv src")
        weights = TensorPort(plain: shape.weights, chosen: descriptor.memoryDescriptor(dnnl_query_weights_md),
                             direction: .input, name: "conv weights")
        destination = TensorPort(plain: shape.destination, chosen: descriptor.memoryDescriptor(dnnl_query_dst_md),
                                 direction: .output, name: "conv dst")
        bias = key.withBias ? DNNLMemory(shape.bias, allocate: false) : nil
    }

    func run(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias biasPointer: UnsafePointer<Float>?,
             output: UnsafeMutablePointer<Float>, stream: dnnl_stream_t) {
        source.attach(input, stream)
        weights.attach(weight, stream)
        destination.attach(output, stream)
        var arguments = [(DNNL_ARG_SRC, source.memory), (DNNL_ARG_WEIGHTS, weights.memory), (DNNL_ARG_DST, destination.memory)]
        if let bias, let biasPointer {
            bias.bind(biasPointer)
            arguments.append((DNNL_ARG_BIAS, bias.handle))
        }
        primitive.execute(stream, arguments)
        destination.finish(stream)
    }
}

/// Backward-data convolution for one geometry.
final class ConvolutionBackwardDataPlan: @unchecked Sendable {
    let primitive: DNNLPrimitive
    let outputGradient, weights, inputGradient: TensorPort

    init(_ geometry: Conv2dGeometry) {
        let shape = ConvolutionShape(geometry)
        let forward = shape.forwardDescriptor(withBias: false)
        let descriptor = shape.backwardDataDescriptor(hint: forward)
        primitive = descriptor.makePrimitive()
        outputGradient = TensorPort(plain: shape.destination, chosen: descriptor.memoryDescriptor(dnnl_query_diff_dst_md),
                                    direction: .input, name: "conv diff_dst")
        weights = TensorPort(plain: shape.weights, chosen: descriptor.memoryDescriptor(dnnl_query_weights_md),
                             direction: .input, name: "conv weights")
        inputGradient = TensorPort(plain: shape.source, chosen: descriptor.memoryDescriptor(dnnl_query_diff_src_md),
                                   direction: .output, name: "conv diff_src")
    }

    func run(outputGradient dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
             inputGradient dx: UnsafeMutablePointer<Float>, stream: dnnl_stream_t) {
        outputGradient.attach(dy, stream)
        weights.attach(weight, stream)
        inputGradient.attach(dx, stream)
        primitive.execute(stream, [(DNNL_ARG_DIFF_DST, outputGradient.memory), (DNNL_ARG_WEIGHTS, weights.memory),
                                   (DNNL_ARG_DIFF_SRC, inputGradient.memory)])
        inputGradient.finish(stream)
    }
}

/// Backward-weights (and bias) convolution for one geometry.
final class ConvolutionBackwardWeightsPlan: @unchecked Sendable {
    let primitive: DNNLPrimitive
    let source, outputGradient, weightGradient: TensorPort
    let biasGradient: DNNLMemory?

    init(_ key: ConvolutionKey) {
        let shape = ConvolutionShape(key.geometry)
        let forward = shape.forwardDescriptor(withBias: key.withBias)
        let descriptor = shape.backwardWeightsDescriptor(withBias: key.withBias, hint: forward)
        primitive = descriptor.makePrimitive()
        source = TensorPort(plain: shape.source, chosen: descriptor.memoryDescriptor(dnnl_query_src_md),
                            direction: .input, name: "conv src")
        outputGradient = TensorPort(plain: shape.destination, chosen: descriptor.memoryDescriptor(dnnl_query_diff_dst_md),
                                    direction: .input, name: "conv diff_dst")
        weightGradient = TensorPort(plain: shape.weights,
                                    chosen: descriptor.memoryDescriptor(dnnl_query_diff_weights_md),
                                    direction: .output, name: "conv diff_weights")
        biasGradient = key.withBias ? DNNLMemory(shape.bias, allocate: false) : nil
    }

    func run(input: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
             weightGradient dw: UnsafeMutablePointer<Float>, biasGradient db: UnsafeMutablePointer<Float>?,
             stream: dnnl_stream_t) {
        source.attach(input, stream)
        outputGradient.attach(dy, stream)
        weightGradient.attach(dw, stream)
        var arguments = [(DNNL_ARG_SRC, source.memory), (DNNL_ARG_DIFF_DST, outputGradient.memory),
                         (DNNL_ARG_DIFF_WEIGHTS, weightGradient.memory)]
        if let biasGradient, let db {
            biasGradient.bind(db)
            arguments.append((DNNL_ARG_DIFF_BIAS, biasGradient.handle))
        }
        primitive.execute(stream, arguments)
        weightGradient.finish(stream)
    }
}

extension DNNLKernels {
    public func conv2dForward(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        let key = ConvolutionKey(geometry: geometry, withBias: bias != nil)
        let plan = DNNLCaches.shared.convolutionForward.plan(for: key) { ConvolutionForwardPlan(key) }
        DNNLEngine.shared.withStream { plan.run(input: input, weight: weight, bias: bias, output: output, stream: $0) }
    }

    public func conv2dBackwardData(
        _ geometry: Conv2dGeometry, outputGradient: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>
    ) {
        let plan = DNNLCaches.shared.convolutionBackwardData.plan(for: geometry) { ConvolutionBackwardDataPlan(geometry) }
        DNNLEngine.shared.withStream {
            plan.run(outputGradient: outputGradient, weight: weight, inputGradient: inputGradient, stream: $0)
        }
    }

    public func conv2dBackwardWeights(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        let key = ConvolutionKey(geometry: geometry, withBias: biasGradient != nil)
        let plan = DNNLCaches.shared.convolutionBackwardWeights.plan(for: key) { ConvolutionBackwardWeightsPlan(key) }
        DNNLEngine.shared.withStream {
            plan.run(input: input, outputGradient: outputGradient, weightGradient: weightGradient,
                     biasGradient: biasGradient, stream: $0)
        }
    }
}
