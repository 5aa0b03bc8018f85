// Answers with the context object the runtime passed, through the callback.
exports.handler = (event, context, callback) => {
    console.log("Node.js Lambda handler executing.");
    callback(null, {context});
};
