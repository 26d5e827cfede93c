//! The process-wide oneDNN CPU engine and stream, status checks and memory helpers.
import CTensorDNNL
import Synchronization

/// Fails with the oneDNN primitive/call name and status. oneDNN failures here are programming
/// errors (unsupported geometry reaching the kernels, bad descriptors), never user input errors.
@inline(__always)
func checkDNNL(_ status: dnnl_status_t, _ what: @autoclosure () -> String) {
    guard status != dnnl_success else { return }
    precondition(false, "oneDNN \(what()) failed: \(String(cString: dnnl_status2str(status)))")
}

/// One CPU engine and one stream for the whole process, created on first use.
///
/// oneDNN streams are not safe to execute on from several threads at once, and each primitive
/// already uses every core through OpenMP, so executions are serialised by `withStream`. Plans hold
/// memory objects whose data handles are rebound per call; they too are only touched inside it.
final class DNNLEngine: Sendable {
    static let shared = DNNLEngine()

    nonisolated(unsafe) let engine: dnnl_engine_t
    nonisolated(unsafe) let stream: dnnl_stream_t
    /// Blocked-layout scratch copies; only touched inside `withStream`.
    nonisolated(unsafe) let scratch = ScratchArena()
    private let executionLock = Mutex(())

    private init() {
        var engine: dnnl_engine_t?
        checkDNNL(dnnl_engine_create(&engine, dnnl_cpu, 0), "engine_create")
        var stream: dnnl_stream_t?
        checkDNNL(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "stream_create")
        self.engine = engine!
        self.stream = stream!
    }

    /// Runs `body` with exclusive use of the stream, then waits for the stream to finish.
    func withStream<Result>(_ body: (dnnl_stream_t) -> Result) -> Result {
        executionLock.withLock { _ in
            let result = body(stream)
            checkDNNL(dnnl_stream_wait(stream), "stream_wait")
            return result
        }
    }
}

/// A plain (row-major) memory descriptor for `dims` with format `tag`.
func plainDescriptor(_ dims: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
    var descriptor = dnnl_memory_desc_t()
    let dims64 = dims.map(Int64.init)
    checkDNNL(
        dnnl_memory_desc_init_by_tag(&descriptor, Int32(dims.count), dims64, dnnl_f32, tag),
        "memory_desc_init_by_tag \(dims)")
    return descriptor
}

/// Descriptors of the four plain layouts the kernels exchange.
enum PlainLayout {
    /// `[n, c, h, w]` as `nchw`.
    static func activations(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> dnnl_memory_desc_t {
        plainDescriptor([n, c, h, w], dnnl_nchw)
    }
    /// `[c]` as `a`.
    static func vector(_ count: Int) -> dnnl_memory_desc_t { plainDescriptor([count], dnnl_a) }
    /// Convolution weights: `oihw`, or `goihw` (the same bytes) when grouped.
    static func weights(_ g: Conv2dGeometry) -> dnnl_memory_desc_t {
        if g.groups == 1 {
            return plainDescriptor([g.outputChannels, g.inputChannels, g.kernelHeight, g.kernelWidth], dnnl_oihw)
        }
        return plainDescriptor(
            [
                g.groups, g.outputChannels / g.groups, g.inputChannels / g.groups,
                g.kernelHeight, g.kernelWidth,
            ], dnnl_goihw)
    }
    /// A descriptor with the same dims as `plain` and `format_tag_any`.
    static func any(like plain: dnnl_memory_desc_t) -> dnnl_memory_desc_t {
        var descriptor = dnnl_memory_desc_t()
        var dims = plain.dims
        let count = plain.ndims
        withUnsafePointer(to: &dims) { tuple in
            tuple.withMemoryRebound(to: Int64.self, capacity: Int(DNNL_MAX_NDIMS)) { dimsPointer in
                checkDNNL(
                    dnnl_memory_desc_init_by_tag(
                        &descriptor, count, dimsPointer, dnnl_f32,
                        dnnl_format_tag_any), "memory_desc_init_by_tag(any)")
            }
        }
        return descriptor
    }
}

/// An owned `dnnl_memory_t`. Either library-allocated (for blocked intermediates) or a view whose
/// data handle is rebound to caller buffers before each execution.
final class DNNLMemory {
    let handle: dnnl_memory_t
    let descriptor: dnnl_memory_desc_t

    /// Library-owned storage when `allocate`, otherwise no storage until `bind`.
    init(_ descriptor: dnnl_memory_desc_t, allocate: Bool) {
        var memory: dnnl_memory_t?
        var descriptorCopy = descriptor
        let storage = allocate ? wsol_dnnl_memory_allocate() : nil
        checkDNNL(dnnl_memory_create(&memory, &descriptorCopy, DNNLEngine.shared.engine, storage), "memory_create")
        handle = memory!
        self.descriptor = descriptor
    }

    /// Points the memory at caller data (inputs are only read by the primitives that use them).
    func bind(_ pointer: UnsafeRawPointer) {
        checkDNNL(
            dnnl_memory_set_data_handle(handle, UnsafeMutableRawPointer(mutating: pointer)), "memory_set_data_handle")
    }

    deinit { dnnl_memory_destroy(handle) }
}

/// An owned `dnnl_primitive_t`, with its scratchpad supplied by us.
///
/// Every primitive is created in user scratchpad mode (``DNNLAttributes/userScratchpad``): with
/// oneDNN's default library mode the scratchpad is a per-thread global bound when a primitive
/// is created, and a primitive created on one thread then executed on another (any cached plan,
/// under Swift concurrency) writes through the wrong thread's buffer — an intermittent SIGSEGV.
/// Executions are serialised by `DNNLEngine.withStream`, so one grow-only scratch slot serves all.
final class DNNLPrimitive {
    let handle: dnnl_primitive_t
    let name: String
    /// The scratchpad view (nil when the primitive needs none); rebound per execution.
    private let scratchpad: DNNLMemory?
    private let scratchpadBytes: Int

    /// Creates the primitive from a descriptor made with ``DNNLAttributes/userScratchpad``; the
    /// descriptor is destroyed by the caller.
    init(_ descriptor: const_dnnl_primitive_desc_t, _ name: String) {
        var primitive: dnnl_primitive_t?
        checkDNNL(dnnl_primitive_create(&primitive, descriptor), "primitive_create(\(name))")
        handle = primitive!
        self.name = name
        if var md = dnnl_primitive_desc_query_md(descriptor, dnnl_query_scratchpad_md, 0)?.pointee,
           dnnl_memory_desc_get_size(&md) > 0 {
            scratchpadBytes = dnnl_memory_desc_get_size(&md)
            scratchpad = DNNLMemory(md, allocate: false)
        } else {
            (scratchpadBytes, scratchpad) = (0, nil)
        }
    }

    /// Executes on `stream` with `(DNNL_ARG_*, memory)` pairs; must run inside `withStream`.
    func execute(_ stream: dnnl_stream_t, _ arguments: [(Int32, dnnl_memory_t)]) {
        var args = arguments.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
        if let scratchpad {
            scratchpad.bind(DNNLEngine.shared.scratch.buffer(slot: ScratchArena.scratchpadSlot, bytes: scratchpadBytes))
            args.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchpad.handle))
        }
        checkDNNL(dnnl_primitive_execute(handle, stream, Int32(args.count), args), "execute(\(name))")
    }

    deinit { dnnl_primitive_destroy(handle) }
}

/// Primitive attributes shared by every descriptor we create.
enum DNNLAttributes {
    /// Calls `body` with a fresh attribute set to user scratchpad mode (see ``DNNLPrimitive``).
    static func userScratchpad<Result>(_ body: (dnnl_primitive_attr_t) -> Result) -> Result {
        var attributes: dnnl_primitive_attr_t?
        checkDNNL(dnnl_primitive_attr_create(&attributes), "primitive_attr_create")
        defer { dnnl_primitive_attr_destroy(attributes) }
        checkDNNL(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), "set_scratchpad_mode")
        return body(attributes!)
    }
}

/// An owned primitive descriptor, destroyed when released.
final class DNNLPrimitiveDescriptor {
    let handle: dnnl_primitive_desc_t
    let name: String

    /// `dnnl_primitive_desc_create` from an op descriptor (pointer to a `dnnl_*_desc_t`).
    init(_ opDescriptor: UnsafeRawPointer, hint: DNNLPrimitiveDescriptor?, _ name: String) {
        var descriptor: dnnl_primitive_desc_t?
        let status = DNNLAttributes.userScratchpad { attributes in
            dnnl_primitive_desc_create(&descriptor, opDescriptor, attributes, DNNLEngine.shared.engine, hint?.handle)
        }
        checkDNNL(status, "primitive_desc_create(\(name))")
        handle = descriptor!
        self.name = name
    }

    /// The memory descriptor this primitive chose for `what` (e.g. `dnnl_query_src_md`).
    func memoryDescriptor(_ what: dnnl_query_t, index: Int32 = 0) -> dnnl_memory_desc_t {
        guard let md = dnnl_primitive_desc_query_md(handle, what, index) else {
            preconditionFailure("oneDNN \(name): no memory descriptor for query \(what.rawValue)")
        }
        return md.pointee
    }

    func makePrimitive() -> DNNLPrimitive { DNNLPrimitive(handle, name) }

    /// oneDNN's name of the chosen implementation, e.g. `jit:avx512_core` or `simple_nchw:any`.
    var implementationName: String {
        var name: UnsafePointer<CChar>?
        checkDNNL(
            dnnl_primitive_desc_query(handle, dnnl_query_impl_info_str, 0, &name), "query impl_info_str(\(self.name))")
        return name.map { String(cString: $0) } ?? ""
    }

    deinit { dnnl_primitive_desc_destroy(handle) }
}
