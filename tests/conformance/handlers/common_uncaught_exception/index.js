// Fails with an error that carries part of the event.
exports.handler = async (event) => {
  throw new Error("Error: " + event.error_msg);
};
