// Counts the invocations its environment has run: a warm environment keeps the count.
let calls = 0;

exports.handler = async () => ({counter: calls++});
