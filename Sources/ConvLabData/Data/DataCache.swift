import Foundation

/// Where ConvLab keeps what it downloads, per user, outside the repository:
/// `$CONVLAB_DATA` when set, else `$XDG_CACHE_HOME/convlab`, else `~/.cache/convlab`
/// (the XDG base directory rule: an empty variable counts as unset).
///
/// `convlab download-mnist` writes the full MNIST to `DataCache.mnistDirectory()`; commands that
/// can use it (`srcnn`, `autoencoder`, `data --bench`) look there when no `--data DIR` is given,
/// and `--data DIR` still reads any folder.
package enum DataCache {
    /// The cache's root folder.
    /// - Parameter environment: the variables to read (the process's by default).
    package static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let explicit = value("CONVLAB_DATA") { return explicit }
        if let cache = value("XDG_CACHE_HOME") { return FileIO.join(cache, "convlab") }
        let home = value("HOME") ?? NSHomeDirectory()
        return FileIO.join(FileIO.join(home, ".cache"), "convlab")
    }

    /// Where the full MNIST goes: `mnist` inside the cache.
    package static func mnistDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        FileIO.join(directory(environment: environment), "mnist")
    }

    /// The cached full MNIST's folder when its training images are there, else nil.
    package static func downloadedMNIST(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let folder = mnistDirectory(environment: environment)
        let images = MNIST.fileNames.trainImages
        return FileIO.exists(FileIO.join(folder, images + ".gz")) || FileIO.exists(FileIO.join(folder, images))
            ? folder : nil
    }
}
