// placeholder, replaced by the infrastructure harness
module.exports = async () => {};
