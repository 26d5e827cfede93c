//! `MPI_COMM_WORLD` of an `mpirun` job as a ``Communicator`` (Open MPI).
import CMPI
import Foundation

/// The processes of an MPI job (`mpirun -np N ...`): `MPI_COMM_WORLD`.
///
/// Create one per process, before any other collective, and call ``finalize()`` before exit.
/// MPI is initialised with `MPI_THREAD_FUNNELED`: collectives must come from the thread that
/// created the communicator (the training loop's), never from loader or kernel threads.
/// Without `mpirun`, MPI would start a singleton (rank 0 of 1); the CLI prefers
/// ``SingleProcessCommunicator`` then, which needs no MPI runtime at all.
public final class MPICommunicator: Communicator, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    private let world: MPI_Comm
    /// Largest element count of one MPI call (`int` counts); longer buffers go in pieces.
    static let maximumChunk = 1 << 28

    /// Initialises MPI (once per process) and joins `MPI_COMM_WORLD`.
    public init() {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            var provided: Int32 = 0
            MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided)
        }
        world = cmpi_comm_world()
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(world, &rank)
        MPI_Comm_size(world, &size)
        (self.rank, self.size) = (Int(rank), Int(size))
    }

    /// Shuts MPI down; no collective may follow. Safe to call twice.
    public func finalize() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }

    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) {
        reduceInPlace(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, type: cmpi_float())
    }

    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) {
        reduceInPlace(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, type: cmpi_double())
    }

    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Int64>) {
        reduceInPlace(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, type: cmpi_int64())
    }

    /// Starts one non-blocking reduction per bucket (`MPI_Iallreduce`), then waits for all, so
    /// the transfers of several buckets overlap each other.
    public func allreduceSum(buckets: [UnsafeMutableBufferPointer<Float>]) {
        var requests = [MPI_Request?](repeating: cmpi_request_null(), count: buckets.count)
        for (index, bucket) in buckets.enumerated() where bucket.count > 0 {
            precondition(bucket.count <= Self.maximumChunk, "MPICommunicator: bucket of \(bucket.count) floats is too long")
            MPI_Iallreduce(cmpi_in_place(), bucket.baseAddress, Int32(bucket.count), cmpi_float(), cmpi_sum(), world,
                           &requests[index])
        }
        MPI_Waitall(Int32(requests.count), &requests, nil)
    }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, Self.maximumChunk)
            MPI_Bcast(bytes.baseAddress! + offset, Int32(count), cmpi_byte(), Int32(root), world)
            offset += count
        }
    }

    public func barrier() { MPI_Barrier(world) }

    private func reduceInPlace(_ base: UnsafeMutableRawPointer?, count: Int, type: MPI_Datatype) {
        guard let base, count > 0 else { return }
        var typeSize: Int32 = 0
        MPI_Type_size(type, &typeSize)
        var offset = 0
        while offset < count {
            let chunk = min(count - offset, Self.maximumChunk)
            MPI_Allreduce(cmpi_in_place(), base + offset * Int(typeSize), Int32(chunk), type, cmpi_sum(), world)
            offset += chunk
        }
    }
}

extension MPICommunicator {
    /// Ends every rank of the job with `code` (`MPI_Abort`): used when one rank fails alone, which
    /// would otherwise leave the others waiting in a collective forever.
    public func abort(code: Int32) -> Never {
        MPI_Abort(cmpi_comm_world(), code)
        exit(code)
    }
}
