import ConvLab

let downloadMNISTCommand = CLICommand(
    name: "download-mnist", summary: "the full MNIST from the first mirror that works, SHA-256 checked",
    positionals: "[DIR]", positionalCount: 0...1,
    notes: """
      DIR defaults to the per-user cache: $CONVLAB_DATA/mnist, else $XDG_CACHE_HOME/convlab/mnist, else
      ~/.cache/convlab/mnist. srcnn, autoencoder and data --bench find it there; --data DIR reads any folder.
    """,
    run: runDownloadMNIST)

/// `convlab download-mnist`: fetches the full MNIST, trying each mirror in turn and verifying SHA-256.
func runDownloadMNIST(_ arguments: CLIArguments) throws {
    let directory = arguments.positional.first ?? DataCache.mnistDirectory()
    try MNISTDownloader().download(to: directory) { print($0) }
    let mnist = try MNIST.load(directory: directory)
    print("MNIST in \(directory): \(mnist.train.count) training, \(mnist.validation.count) validation, \(mnist.test.count) test digits, SHA-256 verified")
}
