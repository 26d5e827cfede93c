//! DA-WSOL's memory across ranks: two ranks' updates merged equal one process's.
import Testing
import TensorDistributed
import TensorTestSupport
@testable import WSOLModels

/// Rank 0 of 2 whose peer's contribution is known in advance: `allreduceSum` adds it.
final class KnownPeerCommunicator: Communicator, @unchecked Sendable {
    let peer: [Double]
    let peerFloats: [Float]
    init(peer: [Double], peerFloats: [Float] = []) { (self.peer, self.peerFloats) = (peer, peerFloats) }
    var rank: Int { 0 }
    var size: Int { 2 }
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) {
        for index in buffer.indices { buffer[index] += peer[index] }
    }
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) {
        for index in buffer.indices { buffer[index] += peerFloats[index] }
    }
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Int64>) { preconditionFailure("not used") }
    func allreduceSum(buckets: [UnsafeMutableBufferPointer<Float>]) { preconditionFailure("not used") }
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {}
    func barrier() {}
}

@Suite struct DAWSOLDistributedTests {
    /// Two classes, D = 2, a memory seeded by one shared step; then rank A sees images with
    /// labels [0, 1] and rank B [1, 1]. After merging, A's memory equals one process that saw
    /// all four images: e.g. class 1 had count 1 and anchor (2, 2) after the shared step, then
    /// pseudo-source centroids (4, 0) on A and (6, 2), (0, 8) on B: count 4, anchor
    /// ((2, 2) + (4, 0) + (6, 2) + (0, 8)) / 4 = (3, 3).
    @Test func mergedMemoryEqualsOneProcess() {
        func assigner() -> TargetSampleAssigner {
            let made = TargetSampleAssigner(classCount: 2, featureCount: 2)
            made.updateMemory(centroids: [1, 1, 5, 5, 0, 0, /* image 1 */ 3, 3, 2, 2, 0, 0], labels: [0, 1])
            return made
        }
        let stepOfA: [Float] = [0, 2, 1, 1, 0, 0, /* image 1 */ 4, 0, 4, 0, 0, 0]
        let stepOfB: [Float] = [2, 2, 6, 2, 0, 0, /* image 1 */ 8, 4, 0, 8, 0, 0]
        let (rankA, rankB, single) = (assigner(), assigner(), assigner())
        let before = rankA.snapshot()
        rankA.updateMemory(centroids: stepOfA, labels: [0, 1])
        rankB.updateMemory(centroids: stepOfB, labels: [1, 1])
        single.updateMemory(centroids: stepOfA + stepOfB, labels: [0, 1, 1, 1])
        rankA.synchronize(since: before, using: KnownPeerCommunicator(peer: rankB.contribution(since: before)))
        expectClose(rankA.classAnchors, single.classAnchors, atol: 1e-5)
        expectClose(rankA.universumAnchor, single.universumAnchor, atol: 1e-5)
        #expect(rankA.classCounts == [2, 4] && rankA.universumCount == 6)
        expectClose(Array(rankA.classAnchors[2...]), [3, 3], atol: 1e-5)
    }

    /// One process: synchronising changes nothing (bit for bit).
    @Test func singleProcessIsUnchanged() {
        let memory = TargetSampleAssigner(classCount: 1, featureCount: 2)
        let before = memory.snapshot()
        memory.updateMemory(centroids: [0.1, 0.2, 0.3, 0.7, 0, 0], labels: [0])
        let (anchors, universum) = (memory.classAnchors, memory.universumAnchor)
        memory.synchronize(since: before, using: SingleProcessCommunicator())
        #expect(memory.classAnchors == anchors && memory.universumAnchor == universum)
    }
}
