import ConvLabCore

/// A convolution's multiply-adds counted two ways, for reading a GFLOP/s figure: `nominal`, the
/// usual `N*OH*OW * KH*KW*C * O` (every tap of every window, as the bench's GFLOP/s and
/// TensorFlow's and PyTorch's counts use), and `real`, only the taps that land inside the image.
/// A kernel that skips the taps on SAME padding does `real` of them and can show a nominal rate
/// above the machine's peak.
public struct ConvMultiplyAdds: Equatable, Sendable {
    public let nominal: Int
    public let real: Int

    public init(_ g: Conv2DGeometry) {
        /// Taps of all windows along one axis that land inside the input.
        func inside(_ axis: WindowAxis) -> Int {
            var count = 0
            for o in 0..<axis.output {
                for t in 0..<axis.kernel {
                    let position = o * axis.stride + t * axis.dilation - axis.padBefore
                    if position >= 0 && position < axis.input { count += 1 }
                }
            }
            return count
        }
        let perTap = g.batch * g.inChannels * g.outChannels
        nominal = perTap * g.rows.output * g.rows.kernel * g.cols.output * g.cols.kernel
        real = perTap * inside(g.rows) * inside(g.cols)
    }

    /// `real / nominal`: the share of the nominal count that touches real input values.
    public var realShare: Double { nominal == 0 ? 1 : Double(real) / Double(nominal) }
}
