//! How `wsol` joins an MPI job: `mpirun -np N wsol train|localize|evaluate ...` (docs/distributed.md).
import Foundation
import TensorDistributed

/// The process's communicator: MPI's world when launched by `mpirun`, else one process.
enum DistributedLaunch {
    /// Variables Open MPI's launcher (and PMIx-based launchers) set in every rank's environment.
    static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"]

    /// True when a launcher started this process as part of an MPI job.
    static var isLaunchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return launcherVariables.contains { environment[$0] != nil }
    }

    /// Runs `body` with the job's communicator: MPI's (initialised here, finalised after `body`)
    /// under `mpirun`, otherwise ``SingleProcessCommunicator`` (no MPI runtime is touched, so a
    /// plain `wsol` never needs one). When `body` throws under MPI with several ranks, the error
    /// is printed with the rank and the whole job is aborted: a rank failing alone would leave the
    /// others waiting in a collective.
    static func run<Result>(_ body: (any Communicator) throws -> Result) throws -> Result {
        guard isLaunchedByMPI else { return try body(SingleProcessCommunicator()) }
        let communicator = MPICommunicator()
        do {
            let result = try body(communicator)
            communicator.finalize()
            return result
        } catch {
            if communicator.size == 1 {
                communicator.finalize()
                throw error
            }
            FileHandle.standardError.write(Data("Error (rank \(communicator.rank) of \(communicator.size)): \(error)\n".utf8))
            communicator.abort(code: 1)
        }
    }
}
