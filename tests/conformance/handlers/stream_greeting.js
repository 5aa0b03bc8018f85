// Streams an HTML greeting in two writes, with the status and headers set first.
exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
    const stream = awslambda.HttpResponseStream.from(responseStream, {
        status: 200,
        headers: {"Content-Type": "text/html", "Cache-Control": "no-cache"},
    });
    stream.write("Hello,");
    stream.write(" world!");
    stream.end();
});
