//! Per-geometry caches of oneDNN plans (primitives, their memories and reorders).
import CTensorDNNL
import Synchronization

/// A lock-protected dictionary from a geometry key to a plan, built once on first use.
///
/// Plans are created under the lock (creation takes milliseconds and happens once per shape), so
/// two threads asking for the same new shape build it once.
final class PrimitiveCache<Key: Hashable & Sendable, Plan: Sendable>: Sendable {
    private let plans = Mutex<[Key: Plan]>([:])

    func plan(for key: Key, make: () -> Plan) -> Plan {
        plans.withLock { plans in
            if let existing = plans[key] { return existing }
            let created = make()
            plans[key] = created
            return created
        }
    }

    /// Number of cached plans (for tests).
    var count: Int { plans.withLock { $0.count } }
}

/// Whether a port carries data into the primitive or out of it.
enum PortDirection { case input, output }

/// One tensor argument of a primitive: the caller's plain buffer and, when the primitive chose a
/// different (blocked) layout, a buffer in that layout plus the reorder between. The blocked
/// buffer is slot `slot` of the engine's `ScratchArena`, bound at each call, so plans do not each
/// keep a copy of their activations (VGG16 at 224 would otherwise hold gigabytes).
///
/// Used only inside `DNNLEngine.withStream` (it rebinds data handles).
final class TensorPort {
    let user: DNNLMemory
    private let inner: DNNLMemory?
    private let innerBytes: Int
    private let slot: Int
    private let reorder: DNNLPrimitive?
    let direction: PortDirection

    /// `slot` must differ between the ports of one plan (they are live at the same time).
    init(plain: dnnl_memory_desc_t, chosen: dnnl_memory_desc_t, direction: PortDirection, slot: Int, name: String) {
        var plain = plain
        var chosen = chosen
        self.direction = direction
        self.slot = slot
        user = DNNLMemory(plain, allocate: false)
        innerBytes = dnnl_memory_desc_get_size(&chosen)
        if dnnl_memory_desc_equal(&plain, &chosen) != 0 {
            inner = nil
            reorder = nil
            return
        }
        let inner = DNNLMemory(chosen, allocate: false)
        let engine = DNNLEngine.shared.engine
        var descriptor: dnnl_primitive_desc_t?
        let status = DNNLAttributes.userScratchpad { attributes in
            direction == .input
                ? dnnl_reorder_primitive_desc_create(&descriptor, &plain, engine, &chosen, engine, attributes)
                : dnnl_reorder_primitive_desc_create(&descriptor, &chosen, engine, &plain, engine, attributes)
        }
        checkDNNL(status, "reorder(\(name))")
        reorder = DNNLPrimitive(descriptor!, "reorder(\(name))")
        dnnl_primitive_desc_destroy(descriptor)
        self.inner = inner
    }

    /// The memory the primitive reads or writes.
    var memory: dnnl_memory_t { inner?.handle ?? user.handle }
    /// True when the primitive works in a layout other than the plain one.
    var needsReorder: Bool { reorder != nil }

    /// Binds the caller buffer (and the scratch slot); for an input, converts it into the
    /// primitive's layout.
    func attach(_ pointer: UnsafeRawPointer, _ stream: dnnl_stream_t) {
        user.bind(pointer)
        if let inner { inner.bind(DNNLEngine.shared.scratch.buffer(slot: slot, bytes: innerBytes)) }
        if direction == .input, let reorder, let inner {
            reorder.execute(stream, [(DNNL_ARG_FROM, user.handle), (DNNL_ARG_TO, inner.handle)])
        }
    }

    /// For an output, converts the primitive's result into the caller buffer.
    func finish(_ stream: dnnl_stream_t) {
        if direction == .output, let reorder, let inner {
            reorder.execute(stream, [(DNNL_ARG_FROM, inner.handle), (DNNL_ARG_TO, user.handle)])
        }
    }
}

/// A primitive whose arguments all stay in plain layouts (pooling, batch norm): each argument is a
/// memory view rebound to the caller's buffer, or a library-allocated scratch (workspace).
/// Touched only inside `DNNLEngine.withStream`.
final class PlainPlan: @unchecked Sendable {
    let primitive: DNNLPrimitive
    private var views: [Int32: DNNLMemory] = [:]
    private var scratch: [Int32: DNNLMemory] = [:]

    init(
        _ descriptor: DNNLPrimitiveDescriptor, views: [Int32: dnnl_memory_desc_t],
        scratch: [Int32: dnnl_memory_desc_t] = [:]
    ) {
        primitive = descriptor.makePrimitive()
        for (argument, md) in views { self.views[argument] = DNNLMemory(md, allocate: false) }
        for (argument, md) in scratch { self.scratch[argument] = DNNLMemory(md, allocate: true) }
    }

    /// A scratch memory (e.g. the workspace) to share with another plan.
    func scratchMemory(_ argument: Int32) -> DNNLMemory? { scratch[argument] }

    /// Binds `buffers` (one per view argument) and executes, passing `extra` memories as well.
    func run(
        _ stream: dnnl_stream_t, _ buffers: [Int32: UnsafeRawPointer],
        extra: [Int32: DNNLMemory] = [:]
    ) {
        var arguments: [(Int32, dnnl_memory_t)] = []
        for (argument, memory) in views {
            guard let pointer = buffers[argument] else {
                preconditionFailure("\(primitive.name): argument \(argument) unbound")
            }
            memory.bind(pointer)
            arguments.append((argument, memory.handle))
        }
        for (argument, memory) in scratch { arguments.append((argument, memory.handle)) }
        for (argument, memory) in extra { arguments.append((argument, memory.handle)) }
        primitive.execute(stream, arguments)
    }
}

/// Grow-only scratch buffers for blocked copies, shared by every plan. Safe because executions are
/// serialised by `DNNLEngine.withStream`, and every use writes a buffer before reading it (an input
/// is reordered in, an output is fully written by its primitive).
final class ScratchArena {
    /// The slot of oneDNN's own scratchpad (``DNNLPrimitive``), apart from the plans' port slots.
    static let scratchpadSlot = 64
    private var buffers: [UnsafeMutableRawPointer?] = []
    private var capacities: [Int] = []

    /// A buffer of at least `bytes` bytes, 64-byte aligned, for `slot`; contents are undefined.
    func buffer(slot: Int, bytes: Int) -> UnsafeMutableRawPointer {
        while buffers.count <= slot {
            buffers.append(nil)
            capacities.append(0)
        }
        if let existing = buffers[slot], capacities[slot] >= bytes { return existing }
        buffers[slot]?.deallocate()
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 64)
        buffers[slot] = fresh
        capacities[slot] = bytes
        return fresh
    }

    deinit { for buffer in buffers { buffer?.deallocate() } }
}
