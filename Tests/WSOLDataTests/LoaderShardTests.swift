import Foundation
import Testing
@testable import WSOLData

/// Data-parallel sharding of the loader (mpirun): no image files are read, only orders.
@Suite struct LoaderShardTests {
    /// 11 items, never decoded (`validation: .none`, orders only).
    static let items = (0..<11).map { LoaderItem(imageID: "i\($0)", path: "/nonexistent/i\($0).png", label: 0) }

    static func loader(batchSize: Int, shard: LoaderShard, dropLast: Bool = true) throws -> ImageLoader {
        var options = LoaderOptions(batchSize: batchSize, shuffle: true, seed: 4, dropLast: dropLast, validation: .none)
        options.shard = shard
        return try ImageLoader(items: items, pipeline: TransformPipeline(steps: []), options: options)
    }

    @Test func twoShardsOfBatchTwoSplitEachGlobalBatchOfFourInHalves() throws {
        let whole = try Self.loader(batchSize: 4, shard: LoaderShard())
        let first = try Self.loader(batchSize: 2, shard: LoaderShard(index: 0, count: 2))
        let second = try Self.loader(batchSize: 2, shard: LoaderShard(index: 1, count: 2))
        // 11 images, global batch 4, drop last: 2 batches on every shard, as in one process.
        #expect(whole.batchCount == 2 && first.batchCount == 2 && second.batchCount == 2)
        for epoch in 0..<3 {
            let order = whole.shardOrder(epoch: epoch)
            #expect(order == whole.order(epoch: epoch))
            let (a, b) = (first.shardOrder(epoch: epoch), second.shardOrder(epoch: epoch))
            // Global batch k = order[4k..<4k+4]: shard 0 its first half, shard 1 its second.
            #expect(a == Array(order[0..<2]) + Array(order[4..<6]))
            #expect(b == Array(order[2..<4]) + Array(order[6..<8]))
            #expect(Set(a).isDisjoint(with: b))
        }
    }

    @Test func shardsDependOnlyOnSeedAndEpochNotOnTheShardCount() throws {
        // Three shards of 1 and one of 3 cover the same 3 global batches of 3 images.
        let whole = try Self.loader(batchSize: 3, shard: LoaderShard())
        let shards = try (0..<3).map { try Self.loader(batchSize: 1, shard: LoaderShard(index: $0, count: 3)) }
        let order = whole.order(epoch: 2)
        for batch in 0..<3 {
            let union = shards.map { $0.shardOrder(epoch: 2)[batch] }
            #expect(union == Array(order[(3 * batch)..<(3 * batch + 3)]))
        }
    }
}
