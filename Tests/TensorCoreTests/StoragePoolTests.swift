import Testing
@testable import TensorCore
import TensorTestSupport

@Suite struct StoragePoolTests {
    @Test func capacitiesRoundUpOnlyForPooledSizes() {
        // Below 65 536 floats: exact. Above: next multiple of 16 384 (65 537 -> 81 920).
        #expect(StoragePool.capacity(for: 10) == 10)
        #expect(StoragePool.capacity(for: 0) == 1)
        #expect(StoragePool.capacity(for: 65_536) == 65_536)
        #expect(StoragePool.capacity(for: 65_537) == 81_920)
    }

    @Test func recycledBufferIsHandedBackForTheSameCapacity() {
        let pool = StoragePool()
        let capacity = 81_920
        let first = pool.allocate(capacity: capacity)
        pool.recycle(first, capacity: capacity)
        #expect(pool.bytesCached == capacity * 4)
        #expect(pool.allocate(capacity: capacity) == first)
        #expect(pool.bytesCached == 0)
        first.deallocate()
    }

    @Test func cacheRespectsItsLimitAndCanBeEmptied() {
        let pool = StoragePool()
        pool.limitBytes = 81_920 * 4   // room for exactly one buffer
        let a = pool.allocate(capacity: 81_920), b = pool.allocate(capacity: 81_920)
        pool.recycle(a, capacity: 81_920)
        pool.recycle(b, capacity: 81_920)   // over the limit: freed, not cached
        #expect(pool.bytesCached == 81_920 * 4)
        pool.releaseAll()
        #expect(pool.bytesCached == 0)
    }

    @Test func staleValuesOfRecycledBuffersNeverLeak() {
        // An odd size (about 3.2 MB) that goes through the shared pool.
        let shape = [1, 3, 517, 523]
        for value in [Float(7), -3, 11] {
            let filled = Tensor(repeating: value, shape: shape) * 2
            #expect(filled.scalars.allSatisfy { $0 == value * 2 })
            #expect(Tensor.zeros(shape: shape).scalars.allSatisfy { $0 == 0 })
            #expect((Tensor.zeros(shape: shape) + 1).scalars.allSatisfy { $0 == 1 })
        }
    }
}
