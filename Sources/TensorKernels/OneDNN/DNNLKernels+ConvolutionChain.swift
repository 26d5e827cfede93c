//! oneDNN convolution chains: activations stay in oneDNN's chosen layout between the convolutions.
//!
//! With `format_tag_any` oneDNN 2.6 picks blocked (`nChw16c`) or channels-last activations on
//! AVX-512 (seen in ONEDNN_VERBOSE), so a lone convolution on our `nchw` tensors pays a reorder in
//! and out (17% of a ResNet50 forward pass in one verbose trace). A chain pays one reorder in and
//! one out in total. Forcing `nhwc` everywhere was measured slower (its reorders from `nchw` are
//! transposes, ~8x the cost of the `nChw16c` ones at batch 8), hence oneDNN's choice. Every value of the chain lives in a slot of the engine's `ScratchArena`; a
//! step whose residual is not read later accumulates (the `sum` post-op) straight into the
//! residual's buffer, and slots of dead values are reused.
import CTensorDNNL

/// Cache key: the steps (geometries, wiring, epilogues).
struct ConvolutionChainKey: Hashable, Sendable {
    let steps: [ChainedConvolution]
}

/// Where each value of a chain lives, and which steps add their residual in place.
struct ChainLayout {
    /// Scratch slot of value `v` (0 = the chain input in `nhwc`).
    var slotOf: [Int] = []
    /// Bytes needed per slot.
    var slotBytes: [Int: Int] = [:]
    /// Step `k` writes into its residual's buffer (no copy needed).
    var accumulatesInPlace: [Bool] = []

    /// First slot used for chain values (below: the ports' slots; `ScratchArena.scratchpadSlot` is 64).
    static let firstSlot = 16

    /// `valueBytes[v]`: the size of value `v` in its layout (blocked layouts pad channels).
    init(_ steps: [ChainedConvolution], valueBytes: [Int]) {
        let valueCount = steps.count + 1
        // The last step reading each value; a value nobody reads dies right after it is made.
        var lastUse = (0..<valueCount).map { $0 - 1 }
        for (k, step) in steps.enumerated() {
            lastUse[step.source] = max(lastUse[step.source], k)
            if let residual = step.residual { lastUse[residual] = max(lastUse[residual], k) }
        }
        lastUse[valueCount - 1] = steps.count  // the output lives to the end
        var free: [Int] = []
        var next = Self.firstSlot
        func fresh() -> Int {
            if let slot = free.popLast() { return slot }
            defer { next += 1 }
            return next
        }
        slotOf = [fresh()]
        slotBytes[slotOf[0]] = valueBytes[0]
        for (k, step) in steps.enumerated() {
            let bytes = valueBytes[k + 1]
            var inPlace = false
            if let residual = step.residual, lastUse[residual] == k, residual != step.source {
                inPlace = true
                slotOf.append(slotOf[residual])
            } else {
                slotOf.append(fresh())
            }
            accumulatesInPlace.append(inPlace)
            slotBytes[slotOf[k + 1], default: 0] = max(slotBytes[slotOf[k + 1], default: 0], bytes)
            for value in 0...k where lastUse[value] == k && !(inPlace && value == step.residual) {
                free.append(slotOf[value])
            }
        }
    }
}

/// One step's primitive and the memories rebound at each run.
private struct ChainStepPlan {
    let primitive: DNNLPrimitive
    let source, destination: DNNLMemory
    let weights: TensorPort
    let bias: DNNLMemory?
    let outputBytes: Int
}

/// A compiled chain. Touched only inside `DNNLEngine.withStream`.
final class ConvolutionChainPlan: @unchecked Sendable {
    private let steps: [ChainedConvolution]
    private let stepPlans: [ChainStepPlan]
    private let layout: ChainLayout
    private let inputReorder, outputReorder: DNNLPrimitive
    private let inputPlain, inputInner, outputPlain, outputInner: DNNLMemory

    /// Value layouts are oneDNN's choice: the chain input takes the layout its first reader picks
    /// (`format_tag_any`), every other value the layout of the step that writes it, and a step's
    /// source is fixed to its value's layout (its destination to the residual's, for the `sum`).
    init(_ key: ConvolutionChainKey) {
        steps = key.steps
        var layouts: [dnnl_memory_desc_t?] = Array(repeating: nil, count: steps.count + 1)
        var plans: [ChainStepPlan] = []
        for step in steps {
            let (plan, chosenSource, chosenDestination) = Self.makeStepPlan(
                step, source: layouts[step.source], destination: step.residual.flatMap { layouts[$0] })
            if layouts[step.source] == nil { layouts[step.source] = chosenSource }
            layouts[plans.count + 1] = chosenDestination
            plans.append(plan)
        }
        stepPlans = plans
        let valueLayouts = layouts.map { $0! }
        layout = ChainLayout(steps, valueBytes: valueLayouts.map { md in
            var md = md
            return dnnl_memory_desc_get_size(&md)
        })
        let inputShape = steps[0].inputShape, outputShape = steps[steps.count - 1].outputShape
        inputPlain = DNNLMemory(plainDescriptor(inputShape, dnnl_nchw), allocate: false)
        inputInner = DNNLMemory(valueLayouts[0], allocate: false)
        outputPlain = DNNLMemory(plainDescriptor(outputShape, dnnl_nchw), allocate: false)
        outputInner = DNNLMemory(valueLayouts[steps.count], allocate: false)
        inputReorder = makeReorder(from: inputPlain.descriptor, to: inputInner.descriptor, "chain input")
        outputReorder = makeReorder(from: outputInner.descriptor, to: outputPlain.descriptor, "chain output")
    }

    /// The step's primitive on `source`/`destination` layouts (nil: oneDNN's choice), and the
    /// layouts it uses.
    private static func makeStepPlan(
        _ step: ChainedConvolution, source: dnnl_memory_desc_t?, destination: dnnl_memory_desc_t?
    ) -> (ChainStepPlan, dnnl_memory_desc_t, dnnl_memory_desc_t) {
        let shape = ConvolutionShape(step.geometry)
        let attributes = EpilogueAttributes(withResidual: step.residual != nil, activation: step.activation)
        let descriptor = shape.chainDescriptor(
            source: source ?? PlainLayout.any(like: shape.source),
            destination: destination ?? PlainLayout.any(like: shape.destination),
            withBias: step.hasBias, attributes: attributes.handle)
        let chosenSource = descriptor.memoryDescriptor(dnnl_query_src_md)
        var chosenDestination = descriptor.memoryDescriptor(dnnl_query_dst_md)
        let plan = ChainStepPlan(
            primitive: descriptor.makePrimitive(),
            source: DNNLMemory(chosenSource, allocate: false), destination: DNNLMemory(chosenDestination, allocate: false),
            weights: TensorPort(plain: shape.weights, chosen: descriptor.memoryDescriptor(dnnl_query_weights_md),
                                direction: .input, slot: 1, name: "chain weights"),
            bias: step.hasBias ? DNNLMemory(shape.bias, allocate: false) : nil,
            outputBytes: dnnl_memory_desc_get_size(&chosenDestination))
        return (plan, chosenSource, chosenDestination)
    }

    func run(input: UnsafePointer<Float>, weights: [UnsafePointer<Float>], biases: [UnsafePointer<Float>?],
             output: UnsafeMutablePointer<Float>, stream: dnnl_stream_t) {
        // Fetch every slot once, at its final size, so no buffer moves while values live in it.
        var buffers: [Int: UnsafeMutableRawPointer] = [:]
        for (slot, bytes) in layout.slotBytes { buffers[slot] = DNNLEngine.shared.scratch.buffer(slot: slot, bytes: bytes) }
        func buffer(_ value: Int) -> UnsafeMutableRawPointer { buffers[layout.slotOf[value]]! }

        inputPlain.bind(input)
        inputInner.bind(buffer(0))
        inputReorder.execute(stream, [(DNNL_ARG_FROM, inputPlain.handle), (DNNL_ARG_TO, inputInner.handle)])
        for (k, step) in steps.enumerated() {
            let plan = stepPlans[k]
            if let residual = step.residual, !layout.accumulatesInPlace[k] {
                copyInParallel(from: buffer(residual), to: buffer(k + 1), bytes: plan.outputBytes)
            }
            plan.source.bind(buffer(step.source))
            plan.destination.bind(buffer(k + 1))
            plan.weights.attach(weights[k], stream)
            var arguments = [
                (DNNL_ARG_SRC, plan.source.handle), (DNNL_ARG_WEIGHTS, plan.weights.memory),
                (DNNL_ARG_DST, plan.destination.handle),
            ]
            if let bias = plan.bias, let pointer = biases[k] {
                bias.bind(pointer)
                arguments.append((DNNL_ARG_BIAS, bias.handle))
            }
            plan.primitive.execute(stream, arguments)
        }
        outputInner.bind(buffer(steps.count))
        outputPlain.bind(output)
        outputReorder.execute(stream, [(DNNL_ARG_FROM, outputInner.handle), (DNNL_ARG_TO, outputPlain.handle)])
    }
}

/// A reorder primitive between two descriptors of the same dims (user scratchpad, as every primitive).
private func makeReorder(from source: dnnl_memory_desc_t, to target: dnnl_memory_desc_t, _ name: String) -> DNNLPrimitive {
    var from = source, to = target
    let engine = DNNLEngine.shared.engine
    var descriptor: dnnl_primitive_desc_t?
    let status = DNNLAttributes.userScratchpad { attributes in
        dnnl_reorder_primitive_desc_create(&descriptor, &from, engine, &to, engine, attributes)
    }
    checkDNNL(status, "reorder(\(name))")
    defer { dnnl_primitive_desc_destroy(descriptor) }
    return DNNLPrimitive(descriptor!, "reorder(\(name))")
}

/// `memcpy` of `bytes` split over the cores.
private func copyInParallel(from source: UnsafeMutableRawPointer, to target: UnsafeMutableRawPointer, bytes: Int) {
    let count = bytes / MemoryLayout<Float>.stride
    let from = SendablePointer(UnsafePointer(source.assumingMemoryBound(to: Float.self)))
    let to = SendableMutablePointer(target.assumingMemoryBound(to: Float.self))
    parallelChunks(count: count, minimumChunk: 1 << 16) { range in
        (to.base + range.lowerBound).update(from: from.base + range.lowerBound, count: range.count)
    }
}

extension ConvolutionShape {
    /// Forward-inference descriptor on the given activation layouts (`format_tag_any` allowed),
    /// weights in the primitive's choice, with `attributes` (post-ops).
    func chainDescriptor(
        source: dnnl_memory_desc_t, destination: dnnl_memory_desc_t, withBias: Bool,
        attributes: dnnl_primitive_attr_t
    ) -> DNNLPrimitiveDescriptor {
        var operation = dnnl_convolution_desc_t()
        var src = source, dst = destination
        var wei = PlainLayout.any(like: weights)
        var bia = withBias ? bias : dnnl_memory_desc_t()
        checkDNNL(
            dnnl_dilated_convolution_forward_desc_init(
                &operation, dnnl_forward_inference, dnnl_convolution_direct, &src, &wei, &bia, &dst,
                strides, dilations, padding, padding), "convolution_forward_desc_init (chain)")
        return DNNLPrimitiveDescriptor(&operation, hint: nil, attributes: attributes, "chained convolution forward")
    }
}

extension DNNLKernels {
    public func convolutionChainForward(
        _ steps: [ChainedConvolution], input: UnsafePointer<Float>, weights: [UnsafePointer<Float>],
        biases: [UnsafePointer<Float>?], output: UnsafeMutablePointer<Float>
    ) {
        ChainedConvolution.validate(steps, inputShape: steps.first?.inputShape ?? [])
        precondition(weights.count == steps.count && biases.count == steps.count,
                     "convolution chain: \(steps.count) steps, \(weights.count) weights, \(biases.count) biases")
        guard steps.allSatisfy({ Self.isNonEmpty($0.geometry) }) else {
            return ReferenceKernels().convolutionChainForward(
                steps, input: input, weights: weights, biases: biases, output: output)
        }
        let key = ConvolutionChainKey(steps: steps)
        let plan = DNNLCaches.shared.convolutionChain.plan(for: key) { ConvolutionChainPlan(key) }
        DNNLEngine.shared.withStream {
            plan.run(input: input, weights: weights, biases: biases, output: output, stream: $0)
        }
    }
}
