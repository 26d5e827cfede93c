//! oneDNN inference convolution with post-ops: `activation(conv + bias + residual)` in one primitive.
//!
//! The residual is added by a `sum` post-op, which accumulates into whatever the destination
//! memory holds: the residual is first placed there (reordered into the blocked scratch buffer, or
//! copied into the caller's buffer when the primitive works on plain `nchw`). The activation is an
//! `eltwise` post-op (`relu`, or `clip(0, 6)` for ReLU6). Layouts follow the plain forward pass
//! (`ConvolutionShape.prefersPlainLayout`).
import CTensorDNNL

/// Cache key: geometry, bias, and the epilogue.
struct FusedConvolutionKey: Hashable, Sendable {
    let geometry: Conv2dGeometry
    let withBias: Bool
    let withResidual: Bool
    let activation: FusedActivation
}

/// Owned primitive attributes carrying the post-op chain of one epilogue.
final class EpilogueAttributes {
    let handle: dnnl_primitive_attr_t

    init(withResidual: Bool, activation: FusedActivation) {
        var attributes: dnnl_primitive_attr_t?
        checkDNNL(dnnl_primitive_attr_create(&attributes), "primitive_attr_create")
        var postOps: dnnl_post_ops_t?
        checkDNNL(dnnl_post_ops_create(&postOps), "post_ops_create")
        // Order matters: the sum comes first, so the activation sees conv + bias + residual.
        if withResidual { checkDNNL(dnnl_post_ops_append_sum(postOps, 1), "post_ops_append_sum") }
        switch activation {
        case .identity: break
        case .relu: checkDNNL(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_relu, 0, 0), "append relu")
        case .relu6: checkDNNL(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_clip, 0, 6), "append clip")
        }
        checkDNNL(dnnl_primitive_attr_set_post_ops(attributes, postOps), "primitive_attr_set_post_ops")
        dnnl_post_ops_destroy(postOps)
        handle = attributes!
    }

    deinit { dnnl_primitive_attr_destroy(handle) }
}

/// Fused inference convolution for one geometry and epilogue. Touched only inside `withStream`.
final class FusedConvolutionForwardPlan: @unchecked Sendable {
    let primitive: DNNLPrimitive
    let source, weights, destination: TensorPort
    /// Reorders the residual into the destination's scratch slot (same slot as `destination`).
    let residual: TensorPort?
    let bias: DNNLMemory?
    let outputCount: Int

    init(_ key: FusedConvolutionKey) {
        let shape = ConvolutionShape(key.geometry)
        let attributes = EpilogueAttributes(withResidual: key.withResidual, activation: key.activation)
        let descriptor = shape.inferenceDescriptor(withBias: key.withBias, attributes: attributes.handle)
        primitive = descriptor.makePrimitive()
        let chosenDestination = descriptor.memoryDescriptor(dnnl_query_dst_md)
        source = TensorPort(
            plain: shape.source, chosen: descriptor.memoryDescriptor(dnnl_query_src_md),
            direction: .input, slot: 0, name: "fused conv src")
        weights = TensorPort(
            plain: shape.weights, chosen: descriptor.memoryDescriptor(dnnl_query_weights_md),
            direction: .input, slot: 1, name: "fused conv weights")
        destination = TensorPort(
            plain: shape.destination, chosen: chosenDestination, direction: .output, slot: 2, name: "fused conv dst")
        residual = key.withResidual
            ? TensorPort(plain: shape.destination, chosen: chosenDestination, direction: .input, slot: 2,
                         name: "fused conv residual")
            : nil
        bias = key.withBias ? DNNLMemory(shape.bias, allocate: false) : nil
        outputCount = key.geometry.outputCount
    }

    func run(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias biasPointer: UnsafePointer<Float>?,
        residual residualPointer: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, stream: dnnl_stream_t
    ) {
        source.attach(input, stream)
        weights.attach(weight, stream)
        if let residual, let residualPointer {
            if residual.needsReorder {
                residual.attach(residualPointer, stream)  // fills scratch slot 2, which dst then uses
            } else {
                copyInParallel(from: residualPointer, to: output, count: outputCount)
            }
        }
        destination.attach(output, stream)
        var arguments = [
            (DNNL_ARG_SRC, source.memory), (DNNL_ARG_WEIGHTS, weights.memory), (DNNL_ARG_DST, destination.memory),
        ]
        if let bias, let biasPointer {
            bias.bind(biasPointer)
            arguments.append((DNNL_ARG_BIAS, bias.handle))
        }
        primitive.execute(stream, arguments)
        destination.finish(stream)
    }
}

/// `memcpy` split over the cores (activations of tens of megabytes).
private func copyInParallel(from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
    let from = SendablePointer(source)
    let to = SendableMutablePointer(target)
    parallelChunks(count: count, minimumChunk: 1 << 16) { range in
        (to.base + range.lowerBound).update(from: from.base + range.lowerBound, count: range.count)
    }
}

extension ConvolutionShape {
    /// Forward descriptor with `attributes` (post-ops), in the plain forward pass's layouts.
    ///
    /// `forward_training`, although this serves inference: with `forward_inference` oneDNN 2.6
    /// picks its brgemm kernels, whose channels-last layout makes the reorders from our `nchw`
    /// tensors transposes (MobileNetV2 forward: 0.84 vs 0.60 CPU s per batch of 32). The same
    /// prop kind as the plain convolution keeps its blocked kernels and cheap reorders; chains,
    /// which reorder only at their ends, use `forward_inference` (see ConvolutionChain).
    func inferenceDescriptor(withBias: Bool, attributes: dnnl_primitive_attr_t) -> DNNLPrimitiveDescriptor {
        let keep = plainForward
        var operation = dnnl_convolution_desc_t()
        var src = keep ? source : PlainLayout.any(like: source)
        var wei = keep ? weights : PlainLayout.any(like: weights)
        var dst = keep ? destination : PlainLayout.any(like: destination)
        var bia = withBias ? bias : dnnl_memory_desc_t()
        checkDNNL(
            dnnl_dilated_convolution_forward_desc_init(
                &operation, dnnl_forward_training, dnnl_convolution_direct, &src, &wei, &bia, &dst,
                strides, dilations, padding, padding), "convolution_forward_desc_init (fused)")
        return DNNLPrimitiveDescriptor(&operation, hint: nil, attributes: attributes, "fused convolution forward")
    }
}

extension DNNLKernels {
    public func conv2dForwardFused(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, activation: FusedActivation,
        output: UnsafeMutablePointer<Float>
    ) {
        guard Self.isNonEmpty(geometry) else {
            return ReferenceKernels().conv2dForwardFused(
                geometry, input: input, weight: weight, bias: bias, residual: residual, activation: activation,
                output: output)
        }
        let key = FusedConvolutionKey(
            geometry: geometry, withBias: bias != nil, withResidual: residual != nil, activation: activation)
        let plan = DNNLCaches.shared.fusedConvolutionForward.plan(for: key) { FusedConvolutionForwardPlan(key) }
        DNNLEngine.shared.withStream {
            plan.run(input: input, weight: weight, bias: bias, residual: residual, output: output, stream: $0)
        }
    }
}
