import ConvLab
@testable import ConvLabCore
@testable import ConvLabFast
@testable import ConvLabData
@testable import ConvLabPictures
@testable import ConvLabNN
@testable import ConvLabCLI
@testable import ConvLabAnimation
@testable import ConvLabConformance
@testable import ConvLabBenchmark
@testable import ConvLabApplications
import ConvLabTestSupport
import Testing

@Suite("Scratch memory: kernels give back what they take, and the next call reuses it")
struct ScratchPoolTests {
    @Test func aBufferComesBackForTheNextRequestOfAboutItsSize() {
        let pool = ScratchPool(keptBytesLimit: 1 << 20)
        let first = pool.take(bytes: 1000)
        pool.give(first)
        #expect(pool.usage == (kept: 1000, lent: 0))
        let second = pool.take(bytes: 900)           // fits: reused
        #expect(second == first)
        let third = pool.take(bytes: 1000)           // the only kept buffer is lent: a new one
        #expect(third != first)
        pool.give(second)
        pool.give(third)
        let big = pool.take(bytes: 200_000)          // far larger than either: new
        #expect(big != first && big != third)
        pool.give(big)
        #expect(pool.usage == (kept: 202_000, lent: 0))
    }

    @Test func aFullPoolFreesWhatComesBack() {
        let pool = ScratchPool(keptBytesLimit: 1500)
        let a = pool.take(bytes: 1000), b = pool.take(bytes: 1000)
        pool.give(a)
        pool.give(b)                                 // 2000 > 1500: freed
        #expect(pool.usage == (kept: 1000, lent: 0))
    }
}
